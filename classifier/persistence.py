"""Model files: skops, an explicit allow-list of types, and a checked envelope.

A model file is never unpickled. The fitted pipeline is stored with skops,
and on load every type named in the file must be in `ALLOWED_TYPES`, a list
of exactly the types our pipeline is made of; anything else (an `os.system`,
a `builtins.eval`, or just an estimator we never ship) is refused before a
single object is built.

Layout (bytes):

    VAGLIO-MODEL\\n
    <sha256 hex of everything after this line>\\n
    <header JSON, one line: format version, library versions, calibration,
     thresholds, model card>\\n
    <skops payload>

The digest catches a truncated download or a flipped byte with a clear error
instead of a confusing failure deep inside skops. It is a checksum, not a
signature: anyone able to write the registry can write a valid file, which is
why the allow-list, not the digest, is the safety barrier.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import sklearn
import skops.io

from classifier.calibration import Platt, Thresholds
from classifier.model import SpamModel

# Bump when the envelope, the header fields, or the pipeline's classes or
# their fitted attributes change in a way an older reader would misread
# (renaming a transformer, adding a feature block, changing Prepared).
# Loading a file of another version is refused with a "retrain" message.
FORMAT_VERSION = 1

MAGIC = b"VAGLIO-MODEL\n"

ALLOWED_TYPES = frozenset(
    {
        # our own pipeline steps (state: plain numbers, strings, one int array)
        "classifier.features.CommentPreparer",
        "classifier.features.CueFeatures",
        "classifier.features.PreparedStructure",
        "classifier.ngrams.HashedNgrams",
        # scikit-learn
        "sklearn.pipeline.Pipeline",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.linear_model._logistic.LogisticRegression",
        # containers, numbers and arrays
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.NoneType",
        "numpy.ndarray",
        "numpy.int64",
        "numpy.float64",
        "numpy.dtype",
    }
)


class ModelLoadError(ValueError):
    """A model file that cannot or must not be loaded; the message says why."""


def dumps(model: SpamModel) -> bytes:
    payload = skops.io.dumps(model.pipeline, compression=zipfile.ZIP_DEFLATED)
    header = {
        "format_version": FORMAT_VERSION,
        "sklearn_version": sklearn.__version__,
        "calibration": {
            "slope": model.calibration.slope,
            "intercept": model.calibration.intercept,
        },
        "thresholds": {
            "approve_below": model.thresholds.approve_below,
            "spam_from": model.thresholds.spam_from,
        },
        "card": model.card,
    }
    body = json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n" + payload
    return MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _open(blob: bytes) -> tuple[dict[str, Any], bytes]:
    """The checked header and the skops payload of a model file."""
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise ModelLoadError(f"a model file is bytes, not {type(blob).__name__}")
    blob = bytes(blob)
    if not blob.startswith(MAGIC):
        raise ModelLoadError("not a Vaglio model file (missing VAGLIO-MODEL header)")
    digest, newline, body = blob[len(MAGIC) :].partition(b"\n")
    if not newline or len(digest) != 64:
        raise ModelLoadError("model file is truncated: its checksum line is incomplete")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        raise ModelLoadError(
            "model file is truncated or altered: its SHA-256 checksum does not match"
        )
    header_line, _, payload = body.partition(b"\n")
    try:
        header = json.loads(header_line)
    except ValueError as error:
        raise ModelLoadError(f"model file header is not valid JSON: {error}") from error
    return header, payload


def _check_versions(header: dict[str, Any]) -> None:
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelLoadError(
            f"model file format {version} cannot be read by this Vaglio (format "
            f"{FORMAT_VERSION}); retrain the model (`vaglio train` or `vaglio retrain`)"
        )
    made_with = str(header.get("sklearn_version", "unknown"))
    if _minor(made_with) != _minor(sklearn.__version__):
        raise ModelLoadError(
            f"model was made with scikit-learn {made_with} but this process runs "
            f"{sklearn.__version__}; fitted models are not portable across scikit-learn "
            "minor versions: retrain the model (`vaglio train` or `vaglio retrain`)"
        )


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def check_loadable(blob: bytes) -> None:
    """Raise `ModelLoadError` if this process could not load the model (damaged
    file, other format, other scikit-learn minor), without loading it."""
    header, _ = _open(blob)
    _check_versions(header)


def read_card(blob: bytes) -> dict[str, Any]:
    """The model card, checked against the digest, without loading the model."""
    header, _ = _open(blob)
    return header.get("card") or {}


def payload_types(payload: bytes) -> set[str]:
    """Every type a skops payload names, as `module.Class`."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ModelLoadError(f"model payload is not a skops archive: {error}") from error
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node:
                found.add(f"{node.get('__module__')}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def loads(blob: bytes) -> SpamModel:
    """A `SpamModel` from `dumps` output; refuses anything not exactly ours."""
    header, payload = _open(blob)
    _check_versions(header)
    refused = sorted(payload_types(payload) - ALLOWED_TYPES)
    if refused:
        raise ModelLoadError(
            "model file refused: it contains types outside the allow-list: " + ", ".join(refused)
        )
    try:
        pipeline = skops.io.loads(payload, trusted=sorted(ALLOWED_TYPES))
    except Exception as error:  # skops raises many kinds; the operator needs one
        raise ModelLoadError(f"model file could not be loaded: {error}") from error
    try:
        calibration = Platt(**header["calibration"])
        thresholds = Thresholds(**header["thresholds"])
    except (KeyError, TypeError) as error:
        raise ModelLoadError(f"model file header is incomplete: {error}") from error
    return SpamModel(pipeline, calibration, thresholds, header.get("card") or {})
