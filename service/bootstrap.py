"""First start: a fresh install trains its default model from the starter corpus.

After an upgrade, the active model may be one this install cannot load (made
with another scikit-learn minor version, or an older model format): it is
replaced the same way, trained on the starter corpus and the moderators'
labels, and the replacement is activated. Upgrade every process that scores.

Several processes may start at once (serve, workers); a Redis lock lets one
train while the others wait for a usable active version to appear.
"""

import time

import redis

from service import keys, registry

TRAIN_LOCK_SECONDS = 600


def ensure_model(r: redis.Redis, config, echo=print, wait_seconds: float = 600) -> str:
    """The active version, training and activating a model if there is none
    or if this install cannot load it."""
    deadline = time.monotonic() + wait_seconds
    while True:
        version = registry.active_version(r)
        unusable = _why_unusable(r, version) if version else None
        if version and unusable is None:
            return version
        if r.set(keys.MODEL_TRAIN_LOCK, "1", nx=True, ex=TRAIN_LOCK_SECONDS):
            try:
                if registry.active_version(r) != version:
                    continue  # another process replaced it meanwhile: look again
                if version is None:
                    return _train_default(r, echo)
                return _replace(r, version, unusable, echo)
            finally:
                r.delete(keys.MODEL_TRAIN_LOCK)
        if time.monotonic() > deadline:
            raise TimeoutError("no usable active model appeared while another process trained one")
        time.sleep(0.5)


def _why_unusable(r: redis.Redis, version: str) -> str | None:
    try:
        registry.check_usable(r, version)
    except registry.RegistryError as error:  # UnusableModel, or its blob is gone
        return str(error)
    return None


def _train_default(r: redis.Redis, echo) -> str:
    from classifier.persistence import dumps
    from classifier.training import train
    from service.training_data import starter_training_examples

    echo("No active model: training the default model from the starter corpus...")
    model = train(starter_training_examples(), seed=0, progress=False)
    version = registry.store(r, dumps(model), {**model.card, "origin": "starter corpus"})
    registry.activate(r, version)
    echo(f"Default model {version} trained and active.")
    return version


def _replace(r: redis.Redis, old: str, why: str, echo) -> str:
    from classifier.persistence import dumps
    from classifier.training import train
    from service import training_data

    echo(f"{why}; training a replacement for the active model...")
    data = training_data.assemble(r)
    model = train(data.train, seed=0, progress=False, source_weights=data.source_weights)
    card = {**model.card, "origin": f"replaces {old}, which this install cannot load"}
    version = registry.store(r, dumps(model), card)
    registry.activate(r, version)
    echo(f"Model {version} trained on {data.describe()} and active in place of {old}.")
    return version
