"""Operational endpoints: health, readiness, metrics."""

import json

import redis
from flask import Blueprint, Response, current_app

from service import keys
from service.clock import now_ms
from service.problems import problem_response
from service.redis_conn import get_redis
from service.vocabulary import Status

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    try:
        get_redis().ping()
    except (redis.ConnectionError, redis.TimeoutError):
        return problem_response(503, "Not ready", "Redis is unreachable.", {"Retry-After": "5"})
    return {"status": "ready", "redis": "ok"}


# Statuses with an index: a pending comment is an entry of the stream.
_INDEXED = [str(s) for s in Status if s is not Status.PENDING]


@bp.get("/metrics")
def metrics():
    """Prometheus text: event counters, and gauges to alert on (a growing held
    queue or backlog, no live worker, undelivered webhooks)."""
    r = get_redis()
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(keys.METRICS)
    pipe.xlen(keys.STREAM)
    for status in _INDEXED:
        pipe.zcard(keys.by_status(status))
    pipe.zcard(keys.WEBHOOK_QUEUE)
    pipe.get(keys.ACTIVE_MODEL)
    pipe.hvals(keys.WORKERS)
    counters, backlog, *counts = pipe.execute(raise_on_error=False)
    *by_status, webhooks_due, active_model, workers = counts
    lines = []
    for name in sorted(counters):
        metric = f"vaglio_{name}_total"
        lines += [f"# TYPE {metric} counter", f"{metric} {int(counters[name])}"]
    if isinstance(backlog, int):  # no stream yet before the first comment
        lines += ["# TYPE vaglio_stream_length gauge", f"vaglio_stream_length {backlog}"]
    lines.append("# TYPE vaglio_comments gauge")
    lines += [
        f'vaglio_comments{{status="{s}"}} {n}' for s, n in zip(_INDEXED, by_status, strict=True)
    ]
    lines += ["# TYPE vaglio_webhooks_due gauge", f"vaglio_webhooks_due {webhooks_due}"]
    if active_model:
        info = f'vaglio_active_model_info{{version="{active_model}"}} 1'
        lines += ["# TYPE vaglio_active_model_info gauge", info]
    alive_after = now_ms() - current_app.config["VAGLIO"].claim_idle_ms
    alive = sum(json.loads(beat).get("seen_ms", 0) >= alive_after for beat in workers)
    lines += ["# TYPE vaglio_workers_alive gauge", f"vaglio_workers_alive {alive}"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


@bp.get("/openapi.json")
def openapi():
    from service.openapi import document

    return document()
