"""Configuration: defaults, then ``VAGLIO_*`` environment variables, then overrides.

The app factory, the worker and every CLI command read it the same way, so a
process started anywhere with the same environment sees the same Vaglio.
"""

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from service import limits

SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


@dataclass(frozen=True)
class Config:
    data_dir: Path = Path("vaglio-data")
    redis_url: str | None = None
    secret_key: str = ""
    max_body_bytes: int = limits.MAX_BODY_BYTES
    # Worker: how long an unacknowledged entry may sit with a dead consumer,
    # how many deliveries before a comment is held as SCORING_FAILED.
    claim_idle_ms: int = 30_000
    max_deliveries: int = 5
    batch_size: int = 64
    model_poll_seconds: float = 1.0
    # Reverse proxies in front of the API whose X-Forwarded-For/-Proto/-Host/
    # -Port headers are believed (0: none; behind one nginx: 1).
    trusted_proxies: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url


def from_env(env=None, **overrides) -> Config:
    env = os.environ if env is None else env
    values: dict = {}
    if env.get("VAGLIO_DATA_DIR"):
        values["data_dir"] = Path(env["VAGLIO_DATA_DIR"])
    if env.get("VAGLIO_REDIS_URL"):
        values["redis_url"] = env["VAGLIO_REDIS_URL"]
    if env.get("VAGLIO_SECRET_KEY"):
        values["secret_key"] = env["VAGLIO_SECRET_KEY"]
    for name, attr, kind in (
        ("VAGLIO_MAX_BODY_BYTES", "max_body_bytes", int),
        ("VAGLIO_CLAIM_IDLE_MS", "claim_idle_ms", int),
        ("VAGLIO_MAX_DELIVERIES", "max_deliveries", int),
        ("VAGLIO_BATCH_SIZE", "batch_size", int),
        ("VAGLIO_MODEL_POLL_SECONDS", "model_poll_seconds", float),
        ("VAGLIO_TRUSTED_PROXIES", "trusted_proxies", int),
    ):
        if env.get(name):
            try:
                values[attr] = kind(env[name])
            except ValueError:
                raise ValueError(f"{name} must be a number, not {env[name]!r}") from None
            if values[attr] < 0:
                raise ValueError(f"{name} must not be negative")
    values.update(overrides)
    if "data_dir" in values:
        values["data_dir"] = Path(values["data_dir"])
    config = Config(**values)
    if not config.secret_key:
        config = replace(config, secret_key=load_or_create_secret(config.data_dir))
    return config


def load_or_create_secret(data_dir: Path) -> str:
    """The secret key kept in the data dir, created once (mode 0600).

    Created with O_EXCL so two processes starting together agree on one key.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    # A process that lost the O_EXCL race may read before the winner wrote.
    for _ in range(50):
        text = path.read_text().strip()
        if text:
            return text
        import time

        time.sleep(0.02)
    raise RuntimeError(f"secret key file {path} is empty")
