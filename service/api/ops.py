"""Operational endpoints: health, readiness, metrics."""

import redis
from flask import Blueprint, Response, current_app

from service import status
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
    """Prometheus text: event counters, and gauges to alert on (a growing held
    queue or backlog, no live worker, undelivered webhooks)."""
    alive_ms = current_app.config["VAGLIO"].claim_idle_ms
    text = status.prometheus(status.snapshot(get_redis(), alive_ms))
    return Response(text, mimetype="text/plain; version=0.0.4")


@bp.get("/openapi.json")
def openapi():
    from service.openapi import document

    return document()
