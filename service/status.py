"""How a Vaglio is doing, read from Redis in one round trip: what `/metrics`
exports and `vaglio status` prints."""

import json
from dataclasses import dataclass

import redis

from service import keys
from service.clock import now_ms
from service.vocabulary import Status

# Statuses with an index: a pending comment is an entry of the stream.
INDEXED = tuple(str(s) for s in Status if s is not Status.PENDING)


@dataclass(frozen=True)
class Snapshot:
    counters: dict[str, int]  # events since the start (comments_accepted, decisions_spam...)
    waiting: int  # comments accepted, not scored yet
    comments: dict[str, int]  # per status
    webhooks_due: int  # events not delivered yet (retries included)
    active_model: str | None
    workers_alive: int  # workers heard from within `alive_ms`


def snapshot(r: redis.Redis, alive_ms: int) -> Snapshot:
    """`alive_ms`: a worker silent longer than this counts as dead (use the
    claim delay, after which its work is taken over)."""
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(keys.METRICS)
    pipe.xlen(keys.STREAM)
    for status in INDEXED:
        pipe.zcard(keys.by_status(status))
    pipe.zcard(keys.WEBHOOK_QUEUE)
    pipe.get(keys.ACTIVE_MODEL)
    pipe.hvals(keys.WORKERS)
    counters, waiting, *counts = pipe.execute(raise_on_error=False)
    *by_status, webhooks_due, active_model, workers = counts
    alive_after = now_ms() - alive_ms
    return Snapshot(
        counters={name: int(value) for name, value in sorted(counters.items())},
        waiting=waiting if isinstance(waiting, int) else 0,
        comments=dict(zip(INDEXED, by_status, strict=True)),
        webhooks_due=webhooks_due,
        active_model=active_model,
        workers_alive=sum(json.loads(beat).get("seen_ms", 0) >= alive_after for beat in workers),
    )


def prometheus(s: Snapshot) -> str:
    """The snapshot in Prometheus's text format."""
    lines = []
    for name, value in s.counters.items():
        metric = f"vaglio_{name}_total"
        lines += [f"# TYPE {metric} counter", f"{metric} {value}"]
    lines += ["# TYPE vaglio_stream_length gauge", f"vaglio_stream_length {s.waiting}"]
    lines.append("# TYPE vaglio_comments gauge")
    lines += [f'vaglio_comments{{status="{k}"}} {n}' for k, n in s.comments.items()]
    lines += ["# TYPE vaglio_webhooks_due gauge", f"vaglio_webhooks_due {s.webhooks_due}"]
    if s.active_model:
        info = f'vaglio_active_model_info{{version="{s.active_model}"}} 1'
        lines += ["# TYPE vaglio_active_model_info gauge", info]
    lines += ["# TYPE vaglio_workers_alive gauge", f"vaglio_workers_alive {s.workers_alive}"]
    return "\n".join(lines) + "\n"


def summary(s: Snapshot) -> str:
    """The snapshot for a person at a terminal."""
    statuses = ", ".join(f"{n} {status}" for status, n in s.comments.items())
    return "\n".join(
        [
            f"active model:   {s.active_model or 'none'}",
            f"workers alive:  {s.workers_alive}",
            f"to be scored:   {s.waiting}",
            f"comments:       {statuses}",
            f"webhooks due:   {s.webhooks_due}",
        ]
    )
