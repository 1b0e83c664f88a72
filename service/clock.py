"""Time as Vaglio stores and shows it."""

import secrets
import time
from datetime import UTC, datetime


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def new_id(ms: int | None = None) -> str:
    """Time-ordered, unguessable id: 12 hex digits of ms, 10 of randomness."""
    ms = now_ms() if ms is None else ms
    return f"{ms:012x}{secrets.token_hex(5)}"
