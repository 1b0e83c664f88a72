"""The active model of this process, reloaded when the registry's changes."""

import logging
import threading
import time

import redis

from classifier.persistence import loads
from service import registry

log = logging.getLogger(__name__)


class ModelHolder:
    """Checks the active version at most every ``poll_seconds``; loads on change.

    Callers take ``current()`` once per batch, so one batch never mixes versions.
    """

    def __init__(self, r: redis.Redis, poll_seconds: float = 1.0):
        self.r = r
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._version: str | None = None
        self._model = None
        self._checked = 0.0

    def current(self):
        """(version, model) or (None, None) when no model is active."""
        now = time.monotonic()
        if now - self._checked >= self.poll_seconds:
            with self._lock:
                self._checked = now
                version = registry.active_version(self.r)
                if version != self._version:
                    self._load(version)
        return self._version, self._model

    def _load(self, version: str | None) -> None:
        if version is None:
            self._version, self._model = None, None
            return
        try:
            model = loads(registry.blob(self.r, version))
            # Score once now: lazy set-up inside the model (explainer tables)
            # must not delay the first real batch after a switch.
            model.score([{"content": "warm-up", "author": "", "url": ""}])
        except Exception:
            # Keep scoring with the model we have; the next poll tries again.
            log.exception("could not load model %s; keeping %s", version, self._version)
            return
        self._version, self._model = version, model
        log.info("loaded model %s", version)
