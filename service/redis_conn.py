"""One Redis connection helper for every Vaglio process."""

import redis
from flask import Flask, current_app

from service.config import Config
from service.embedded_redis import ensure_running


def connect(config: Config) -> redis.Redis:
    url = config.redis_url or ensure_running(config.data_dir)
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        health_check_interval=30,
    )


def init_app(app: Flask) -> None:
    app.extensions["vaglio.redis"] = connect(app.config["VAGLIO"])


def get_redis() -> redis.Redis:
    return current_app.extensions["vaglio.redis"]
