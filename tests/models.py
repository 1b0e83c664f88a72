"""Trained models for the service tests, trained once per session.

Real classifier models: a small one from the starter corpus, so the tests see
the same kind of verdicts a fresh install gives.
"""

import functools
import hashlib
import json


@functools.cache
def starter_blob() -> bytes:
    from classifier.persistence import dumps
    from classifier.training import train
    from service.training_data import starter_training_examples

    return dumps(train(starter_training_examples(), seed=0, progress=False))


def install(r, blob: bytes | None = None, **card) -> str:
    """Store and activate a model; returns its version."""
    from classifier.persistence import read_card
    from service import registry

    blob = blob or starter_blob()
    version = registry.store(r, blob, {**read_card(blob), **card})
    registry.activate(r, version)
    return version


def reenvelope(blob, change_header=None, payload=None):
    """Rebuild a file with a valid checksum after editing its header/payload,
    to reach the checks that come after the checksum."""
    from classifier.persistence import MAGIC

    body = blob[len(MAGIC) + 65 :]
    header_line, _, original = body.partition(b"\n")
    header = json.loads(header_line)
    if change_header:
        change_header(header)
    body = json.dumps(header).encode() + b"\n" + (original if payload is None else payload)
    return MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
