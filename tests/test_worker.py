"""The scoring worker: verdicts, idempotency, failures, model reload."""

import json

from service import keys, registry
from service.vocabulary import Status
from tests.conftest import bearer, post
from tests.models import install

LEGIT = "Ottimo articolo, ho aggiornato il telefono ieri e la batteria dura di più."
LINK_DROP = (
    "Make $5000 a week from home!!! Click http://bit.ly/cash-now and "
    "subscribe to my channel http://free-money.example.com/join"
)
THREE_LINKS = (
    "Fonti: https://it.wikipedia.org/wiki/Batteria, https://www.example.org/report.pdf "
    "e https://docs.example.net/specs, grazie per l'articolo."
)


def get(client, token, comment_id):
    return client.get(f"/v1/comments/{comment_id}", headers=bearer(token)).get_json()


def test_legit_spam_and_links_get_their_verdicts(client, site, model_version, run_worker):
    legit = post(client, site, content=LEGIT, author="Giulia", email="giulia@example.it")
    spam = post(
        client, site, content=LINK_DROP, author="Best Cash Online", email="cash@example.com"
    )
    links = post(client, site, content=THREE_LINKS, author="Luca", email="luca@example.it")
    assert run_worker() == 3

    approved = get(client, site, legit)
    assert approved["status"] == "approved"
    assert approved["model_version"] == model_version
    assert approved["score"] is not None and approved["decided_at"]

    filed = get(client, site, spam)
    assert filed["status"] == "spam"
    assert filed["reasons"][0]["code"] in {"SPAM_SCORE", "LINKS"}
    assert any(r["code"] == "SPAM_SCORE" for r in filed["reasons"])

    held = get(client, site, links)
    assert held["status"] in {"held", "spam"}
    assert any(r["code"] == "LINKS" and r["detail"].startswith("3 links") for r in held["reasons"])

    listing = client.get("/v1/threads/articolo-1/comments", headers=bearer(site)).get_json()
    assert [c["id"] for c in listing["comments"]] == [legit]


def test_redelivery_never_gives_a_second_verdict(r, client, site, model_version, run_worker):
    comment_id = post(client, site, content=LEGIT)
    run_worker()
    first = r.hgetall(keys.comment(comment_id))
    # The same id queued again, as after a crash between verdict and ack.
    r.xadd(keys.STREAM, {"id": comment_id})
    run_worker()
    assert r.hgetall(keys.comment(comment_id))["decided_ms"] == first["decided_ms"]
    assert r.llen(keys.audit(comment_id)) == 1
    assert r.zcard(keys.thread("news", "articolo-1")) == 1
    assert r.xlen(keys.STREAM) == 0


class Exploding:
    """A real model that fails on one kind of comment, as a bug would."""

    def __init__(self, model):
        self.model = model
        self.thresholds = model.thresholds
        self.calls = 0

    def score(self, comments):
        self.calls += 1
        if any("BOOM" in c["content"] for c in comments):
            raise RuntimeError("feature extraction failed")
        return self.model.score(comments)


class FixedModel:
    def __init__(self, version, model):
        self.version, self.model = version, model

    def current(self):
        return self.version, self.model


def test_a_comment_that_cannot_be_scored_is_held_after_five_tries(
    r, client, site, model_version, run_worker
):
    from classifier.persistence import loads

    model = Exploding(loads(registry.blob(r, model_version)))
    bad = post(client, site, content="BOOM goes the parser", email="b@example.it")
    good = post(client, site, content=LEGIT, email="g@example.it")
    run_worker(models=FixedModel(model_version, model))
    bad_record = r.hgetall(keys.comment(bad))
    assert bad_record["status"] == "held"
    assert json.loads(bad_record["reasons"])[0]["code"] == "SCORING_FAILED"
    assert int(bad_record["attempts"]) == 5
    assert r.hget(keys.comment(good), "status") == "approved"
    assert r.xpending(keys.STREAM, keys.STREAM_GROUP)["pending"] == 0


def test_two_workers_decide_each_comment_exactly_once(
    r, client, site, model_version, worker_config
):
    import threading

    from service.worker import Worker

    ids = [
        post(client, site, content=f"{LEGIT} ({n})", email=f"u{n}@example.it") for n in range(200)
    ]
    workers = [Worker(r, worker_config, name=f"w{n}") for n in range(2)]
    threads = [threading.Thread(target=w.run, kwargs={"burst": True}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(w.processed for w in workers) == 200
    assert all(r.llen(keys.audit(i)) == 1 for i in ids)
    assert all(r.hget(keys.comment(i), "status") != Status.PENDING for i in ids)


def test_workers_switch_to_a_newly_active_model(r, client, site, model_version, run_worker):
    first = post(client, site, content=LEGIT, email="a@example.it")
    run_worker()
    newer = install(r)
    second = post(client, site, content=LEGIT + " Davvero.", email="b@example.it")
    run_worker()
    assert r.hget(keys.comment(first), "model_version") == model_version
    assert r.hget(keys.comment(second), "model_version") == newer != model_version


def test_without_an_active_model_comments_are_held_not_published(r, client, site, run_worker):
    comment_id = post(client, site, content=LEGIT)
    run_worker()
    record = r.hgetall(keys.comment(comment_id))
    assert record["status"] == "held"
    assert json.loads(record["reasons"])[0]["code"] == "SCORING_FAILED"


def test_policy_settings_apply(r, client, site, model_version, run_worker):
    from service import sites
    from tests.conftest import TEST_SECRET

    sites.update(
        r,
        "news",
        {"blocked_keywords": ["Tr(u)mp+"], "blocked_emails": ["troll@example.org"]},
        TEST_SECRET,
    )
    sites._cache.clear()
    keyword = post(client, site, content="Tr(u)mp+ is here", email="x@example.it")
    blocked = post(client, site, content=LEGIT, email="troll@example.org")
    run_worker()
    assert r.hget(keys.comment(keyword), "status") == "spam"
    assert r.hget(keys.comment(blocked), "status") == "spam"
    reasons = json.loads(r.hget(keys.comment(blocked), "reasons"))
    assert reasons[0] == {"code": "BLOCKED_AUTHOR", "detail": "author blocked by e-mail"}


def test_metrics_and_status_show_the_queues_the_model_and_live_workers(
    r, client, site, model_version, run_worker, runner
):
    from service.cli import main

    def metrics() -> str:
        return client.get("/metrics").get_data(as_text=True)

    assert "vaglio_workers_alive 0\n" in metrics()
    ids = [post(client, site), post(client, site, content="Tre link: http://a.example/1 e altri")]
    assert "vaglio_stream_length 2\n" in metrics()
    run_worker()
    text = metrics()
    statuses = [r.hget(keys.comment(i), "status") for i in ids]
    for status in ("approved", "held", "spam", "rejected"):
        assert f'vaglio_comments{{status="{status}"}} {statuses.count(status)}\n' in text
    assert f'vaglio_active_model_info{{version="{model_version}"}} 1\n' in text
    assert "vaglio_workers_alive 1\n" in text and "vaglio_webhooks_due 0\n" in text
    printed = runner.invoke(main, ["status", "--json"])
    assert printed.exit_code == 0, printed.output
    figures = json.loads(printed.output)
    assert figures["active_model"] == model_version and figures["workers_alive"] == 1
    assert figures["comments"]["approved"] == statuses.count("approved") and figures["waiting"] == 0
    assert "workers alive:  1" in runner.invoke(main, ["status"]).output
    beat = json.loads(r.hget(keys.WORKERS, "test-worker"))
    r.hset(keys.WORKERS, "test-worker", json.dumps({**beat, "seen_ms": beat["seen_ms"] - 60_000}))
    assert "vaglio_workers_alive 0\n" in metrics()
