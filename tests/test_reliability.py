"""Nothing accepted is lost, nothing decided twice: real processes, real Redis."""

import collections
import json
import os
import signal
import subprocess

import pytest
import redis

from service import create_app, embedded_redis, keys, sites, webhooks
from service.vocabulary import Status
from tests.conftest import TEST_SECRET, bearer, comment, post
from tests.processes import WebhookReceiver, start_worker, vaglio_env, wait_for

pytestmark = pytest.mark.slow

FINAL = {str(s) for s in Status} - {"pending"}


def statuses(r, ids):
    pipe = r.pipeline(transaction=False)
    for comment_id in ids:
        pipe.hget(keys.comment(comment_id), "status")
    return pipe.execute()


def all_final(r, ids):
    return all(status in FINAL for status in statuses(r, ids))


def test_sigkill_mid_batch_loses_nothing_and_decides_once(
    r, client, site, model_version, config_overrides, tmp_path
):
    receiver = WebhookReceiver(webhooks.signing_key(TEST_SECRET, "news"))
    sites.update(r, "news", {"webhook_url": receiver.url}, TEST_SECRET)
    sites._cache.clear()
    ids = [
        post(client, site, content=f"Commento numero {n}: bel pezzo.", email=f"u{n}@example.it")
        for n in range(1500)
    ]
    env = vaglio_env(config_overrides)
    first = start_worker(env, tmp_path / "first.log")
    try:
        wait_for(
            lambda: sum(s in FINAL for s in statuses(r, ids)) >= 100, 60, what="first verdicts"
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert not all_final(r, ids), "the kill came too late to interrupt anything"
        second = start_worker(env, tmp_path / "second.log")
        wait_for(lambda: all_final(r, ids), 120, what="every comment decided")
        approved = [i for i, s in zip(ids, statuses(r, ids), strict=True) if s == "approved"]
        wait_for(
            lambda: {e["comment"]["id"] for e in receiver.events} >= set(approved),
            60,
            what="webhook events for every approved comment",
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
    finally:
        for process in (first, locals().get("second")):
            if process and process.poll() is None:
                process.kill()
        receiver.close()

    assert all(r.llen(keys.audit(i)) == 1 for i in ids), "a comment got two verdicts"
    event_ids_per_comment = collections.defaultdict(set)
    for event in receiver.events:
        event_ids_per_comment[event["comment"]["id"]].add(event["id"])
    assert all(len(v) == 1 for v in event_ids_per_comment.values())
    assert set(event_ids_per_comment) == set(approved)
    assert receiver.bad_signatures == 0
    assert r.xpending(keys.STREAM, keys.STREAM_GROUP)["pending"] == 0


def test_sigterm_finishes_the_batch_and_exits_cleanly(
    r, client, site, model_version, config_overrides, tmp_path
):
    ids = [post(client, site, content=f"Ciao {n}", email=f"t{n}@example.it") for n in range(300)]
    worker = start_worker(vaglio_env(config_overrides), tmp_path / "worker.log")
    try:
        wait_for(lambda: any(s in FINAL for s in statuses(r, ids)), 60, what="a verdict")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    # Whatever it took, it finished: no entry is left claimed by it.
    pending = r.xpending(keys.STREAM, keys.STREAM_GROUP)
    assert pending["pending"] == 0
    decided = sum(s in FINAL for s in statuses(r, ids))
    assert decided + r.xlen(keys.STREAM) == len(ids)


def test_embedded_redis_killed_and_restarted_keeps_every_accepted_comment(
    tmp_path, model_version, r
):
    from tests.models import starter_blob

    data_dir = tmp_path / "embedded"
    url = embedded_redis.ensure_running(data_dir)
    try:
        app = create_app({"redis_url": url, "data_dir": data_dir, "secret_key": TEST_SECRET})
        local = redis.Redis.from_url(url, decode_responses=True)
        from service import tokens
        from service.vocabulary import Role

        sites.create(local, "blog")
        sites.update(local, "blog", {"flood_seconds": 0}, TEST_SECRET)
        token = tokens.create(local, Role.SITE, "blog")
        client = app.test_client()
        ids = []
        for n in range(50):
            response = client.post(
                "/v1/comments",
                json=comment(content=f"Commento {n}", email=f"k{n}@example.it"),
                headers=bearer(token),
            )
            assert response.status_code == 202
            ids.append(response.get_json()["id"])
        pid = int((data_dir / "redis" / "redis.pid").read_text())
        os.kill(pid, signal.SIGKILL)  # no shutdown, no save: only the AOF remains
        wait_for(lambda: not _alive(pid), 10, what="redis-server to die")

        embedded_redis.ensure_running(data_dir)
        local = redis.Redis.from_url(url, decode_responses=True)
        assert local.config_get("appendonly")["appendonly"] == "yes"
        assert statuses(local, ids) == ["pending"] * 50
        assert local.xlen(keys.STREAM) == 50

        from tests.models import install

        install(local, starter_blob())
        from service.config import from_env
        from service.worker import Worker

        config = from_env(env={}, redis_url=url, data_dir=data_dir, secret_key=TEST_SECRET)
        Worker(local, config, name="after-restart").run(burst=True)
        assert all(s in FINAL for s in statuses(local, ids))
    finally:
        embedded_redis.stop(data_dir)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purpose.
    status = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return "Z" not in status.stdout


def test_webhook_retries_until_delivered_with_the_same_event_id(
    r, client, site, model_version, run_worker
):
    receiver = WebhookReceiver(webhooks.signing_key(TEST_SECRET, "news"), fail_first=2)
    try:
        sites.update(r, "news", {"webhook_url": receiver.url}, TEST_SECRET)
        sites._cache.clear()
        comment_id = post(client, site, content="Grazie, articolo utilissimo sulle batterie.")
        run_worker()
        assert r.hget(keys.comment(comment_id), "status") == "approved"
        sender = webhooks.Sender(r, TEST_SECRET)
        for _ in range(3):
            # Make the retry due now instead of waiting out the backoff.
            for event_id in r.zrange(keys.WEBHOOK_QUEUE, 0, -1):
                r.zadd(keys.WEBHOOK_QUEUE, {event_id: 0})
            sender.deliver_due()
        assert len(receiver.events) == 1
        event = receiver.events[0]
        assert event["type"] == "comment.approved"
        assert event["comment"]["id"] == comment_id
        assert "email" not in json.dumps(event).replace("[email hidden]", "")
        assert receiver.bad_signatures == 0
        assert r.zcard(keys.WEBHOOK_QUEUE) == 0
        assert r.hget(keys.METRICS, "webhooks_delivered") == "1"
    finally:
        receiver.close()
