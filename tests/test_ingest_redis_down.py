"""Redis unreachable: 503 with Retry-After, never a 202; /readyz says so, /healthz does not."""

import pytest

from service import create_app, keys
from service.comment_store import CommentStore
from tests.conftest import TEST_SECRET, bearer, comment, post

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def down_client(tmp_path):
    app = create_app(
        {"redis_url": NOBODY_LISTENS, "data_dir": tmp_path / "data", "secret_key": TEST_SECRET}
    )
    yield app.test_client()
    app.extensions["vaglio.redis"].close()


def assert_unavailable(resp):
    assert resp.status_code == 503
    assert resp.mimetype == "application/problem+json"
    assert int(resp.headers["Retry-After"]) > 0


@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_submitting_while_redis_is_down_is_503(down_client, form):
    kwargs = {"data": comment()} if form else {"json": comment()}
    resp = down_client.post("/v1/comments", headers=bearer("vg_anything"), **kwargs)
    assert_unavailable(resp)
    assert "nothing was stored" in resp.get_json()["detail"]


def test_redis_failing_at_the_ingest_step_is_503_not_202(client, site, r, down_client, monkeypatch):
    # A request through the working app caches the token and the site settings,
    # so the down app gets past authentication and fails at the write itself.
    post(client, site, content="prima")
    calls = []
    original = CommentStore.ingest

    def spy(self, *args, **kwargs):
        calls.append(self.r.connection_pool.connection_kwargs.get("port"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CommentStore, "ingest", spy)
    resp = down_client.post("/v1/comments", json=comment(content="dopo"), headers=bearer(site))
    assert_unavailable(resp)
    assert calls == [1], "the request reached the ingest transaction"
    assert r.xlen(keys.STREAM) == 1


def test_reading_a_comment_while_redis_is_down_is_503(down_client):
    assert_unavailable(down_client.get("/v1/comments/abc", headers=bearer("vg_x")))


def test_readyz_is_503_and_healthz_200_while_redis_is_down(down_client):
    ready = down_client.get("/readyz")
    assert_unavailable(ready)
    health = down_client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok"}


def test_readyz_is_200_when_redis_answers(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.get_json()["redis"] == "ok"


def test_redis_errors_are_logged_without_the_body(down_client, caplog):
    body = comment(email="segreto@example.it", content="scrivi a segreto@example.it")
    down_client.post("/v1/comments", json=body, headers=bearer("vg_x"))
    assert caplog.records, "the outage is logged"
    assert "segreto" not in caplog.text
