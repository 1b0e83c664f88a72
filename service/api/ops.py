"""Operational endpoints: health, readiness, metrics."""

import redis
from flask import Blueprint, Response

from service import keys
from service.problems import problem_response
from service.redis_conn import get_redis

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


@bp.get("/metrics")
def metrics():
    r = get_redis()
    counters = r.hgetall(keys.METRICS)
    lines = []
    for name in sorted(counters):
        metric = f"vaglio_{name}_total"
        lines += [f"# TYPE {metric} counter", f"{metric} {int(counters[name])}"]
    try:
        backlog = r.xlen(keys.STREAM)
        lines += ["# TYPE vaglio_stream_length gauge", f"vaglio_stream_length {backlog}"]
    except redis.ResponseError:
        pass
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


@bp.get("/openapi.json")
def openapi():
    from service.openapi import document

    return document()
