"""Time as Vaglio stores and shows it."""

import secrets
import time
from datetime import UTC, datetime


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


_last = [0, 0]  # (ms, sequence) of this process's last id


def new_id(ms: int | None = None) -> str:
    """Time-ordered, unguessable id: 12 hex digits of ms, a 4-digit sequence
    (ids made in the same millisecond by one process stay in order), 6 of
    randomness."""
    ms = now_ms() if ms is None else ms
    if ms <= _last[0]:
        ms, seq = _last[0], _last[1] + 1
    else:
        seq = 0
    _last[:] = [ms, seq]
    return f"{ms:012x}{seq & 0xFFFF:04x}{secrets.token_hex(3)}"
