"""First start: a fresh install trains its default model from the starter corpus.

Several processes may start at once (serve, workers); a Redis lock lets one
train while the others wait for the active version to appear.
"""

import time

import redis

from service import keys, registry

TRAIN_LOCK_SECONDS = 600


def ensure_model(r: redis.Redis, config, echo=print, wait_seconds: float = 600) -> str:
    """The active version, training and activating the default model if none."""
    deadline = time.monotonic() + wait_seconds
    while True:
        version = registry.active_version(r)
        if version:
            return version
        if r.set(keys.MODEL_TRAIN_LOCK, "1", nx=True, ex=TRAIN_LOCK_SECONDS):
            try:
                return _train_default(r, config, echo)
            finally:
                r.delete(keys.MODEL_TRAIN_LOCK)
        if time.monotonic() > deadline:
            raise TimeoutError("no active model appeared while another process trained one")
        time.sleep(0.5)


def _train_default(r: redis.Redis, config, echo) -> str:
    from classifier.persistence import dumps
    from classifier.training import train
    from service.training_data import starter_training_examples

    echo("No active model: training the default model from the starter corpus...")
    model = train(starter_training_examples(), seed=0, progress=False)
    version = registry.store(r, dumps(model), {**model.card, "origin": "starter corpus"})
    registry.activate(r, version)
    echo(f"Default model {version} trained and active.")
    return version
