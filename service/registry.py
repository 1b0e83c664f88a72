"""The model registry, kept in Redis so every process on any machine finds it.

A version is a skops blob plus its model card (JSON). One version is active;
activating pushes the previous one on a history list, which ``rollback`` pops.
"""

import json
import time

import redis

from service import keys


class RegistryError(Exception):
    pass


class UnusableModel(RegistryError):
    """A stored version this install cannot load: never made active."""


def check_usable(r: redis.Redis, version: str) -> None:
    from classifier.persistence import ModelLoadError, check_loadable

    try:
        check_loadable(blob(r, version))
    except ModelLoadError as error:
        raise UnusableModel(f"Model {version} cannot be used here: {error}") from None


def store(r: redis.Redis, blob: bytes, card: dict) -> str:
    """Store a new version (inactive); returns its name, e.g. ``v3``."""
    version = f"v{r.incr(keys.MODEL_SEQ)}"
    card = {**card, "version": version, "stored_at": time.time()}
    pipe = r.pipeline(transaction=True)
    pipe.set(keys.model_artifact(version), blob)
    pipe.set(keys.model_card(version), json.dumps(card))
    pipe.zadd(keys.MODELS, {version: time.time()})
    pipe.execute()
    return version


def versions(r: redis.Redis) -> list[str]:
    return r.zrange(keys.MODELS, 0, -1)


def card(r: redis.Redis, version: str) -> dict:
    raw = r.get(keys.model_card(version))
    if raw is None:
        raise RegistryError(f"No model version {version!r}.")
    return json.loads(raw)


def blob(r: redis.Redis, version: str) -> bytes:
    pool = _binary_pool(r)
    try:
        raw = redis.Redis(connection_pool=pool).get(keys.model_artifact(version))
    finally:
        pool.disconnect()  # a one-off read: leave no socket behind
    if raw is None:
        raise RegistryError(f"No model version {version!r}.")
    return raw


def active_version(r: redis.Redis) -> str | None:
    return r.get(keys.ACTIVE_MODEL)


def activate(r: redis.Redis, version: str) -> str | None:
    """Make ``version`` active; returns the version it replaced."""
    if r.zscore(keys.MODELS, version) is None:
        raise RegistryError(f"No model version {version!r}.")
    check_usable(r, version)
    previous = r.set(keys.ACTIVE_MODEL, version, get=True)
    if previous and previous != version:
        r.lpush(keys.MODEL_HISTORY, previous)
    return previous


def rollback(r: redis.Redis) -> str:
    """Re-activate the version that was active before the current one."""
    previous = r.lindex(keys.MODEL_HISTORY, 0)
    if previous is None:
        raise RegistryError("No earlier active version to roll back to.")
    check_usable(r, previous)
    r.lpop(keys.MODEL_HISTORY)
    r.set(keys.ACTIVE_MODEL, previous)
    return previous


def listing(r: redis.Redis) -> list[dict]:
    active = active_version(r)
    return [{**card(r, v), "active": v == active} for v in versions(r)]


def _binary_pool(r: redis.Redis) -> redis.ConnectionPool:
    """A pool to the same server whose replies are bytes (model blobs are binary)."""
    kwargs = dict(r.connection_pool.connection_kwargs)
    kwargs["decode_responses"] = False
    return redis.ConnectionPool(connection_class=r.connection_pool.connection_class, **kwargs)
