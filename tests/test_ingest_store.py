"""The ingest transaction recovers where Redis-py's own calls would: a script
Redis does not know, a pooled connection the server has closed."""

from service import keys
from service.comment_store import CommentStore
from tests.conftest import post


def test_a_script_redis_does_not_know_is_loaded_and_the_comment_stored(client, app, site, r):
    store = CommentStore(app.extensions["vaglio.redis"])
    store._ingest.sha = "0" * 40  # as after a Redis restart or SCRIPT FLUSH: NOSCRIPT
    comment_id = post(client, site)
    assert r.hget(keys.comment(comment_id), "status") == "pending"
    assert r.xlen(keys.STREAM) == 1
    assert store._ingest.sha != "0" * 40, "the script was loaded again"


def test_a_pooled_connection_closed_by_redis_is_replaced(client, app, site, r):
    post(client, site, content="prima")
    app_redis = app.extensions["vaglio.redis"]
    pooled = app_redis.client_id()  # the connection the next request will reuse
    assert r.client_kill_filter(_id=pooled) == 1
    comment_id = post(client, site, content="dopo")
    assert r.hget(keys.comment(comment_id), "content") == "dopo"
    assert r.xlen(keys.STREAM) == 2
