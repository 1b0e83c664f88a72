"""The ingest guards: duplicates, flood, Idempotency-Key, honeypot."""

import json
import time

import pytest

from service import keys, limits, sites, tokens
from service.vocabulary import Role
from tests.conftest import TEST_SECRET, bearer, comment, post
from tests.redis_state import comment_keys, stream_length, unchanged


def submit(client, token, body, **headers):
    return client.post("/v1/comments", json=body, headers={**bearer(token), **headers})


# -- duplicates ------------------------------------------------------------------


def test_the_same_comment_again_is_409_and_names_the_first(client, site, redis_url):
    first = post(client, site)
    with unchanged(redis_url):
        resp = submit(client, site, comment())
    assert resp.status_code == 409
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["duplicate_of"] == first


@pytest.mark.parametrize(
    "variant",
    [
        {"content": "  OTTIMO articolo,   grazie per la\nspiegazione chiara.  "},
        {"content": "Ottimo articolo, grazie per la spiegazione chiara.\x00"},
        {"email": "MARIO.ROSSI@example.IT"},
        {"author": "Mario R.", "url": "https://mario.example.org"},
        {"user_ip": "198.51.100.7"},
    ],
    ids=["case-and-space", "control-chars", "email-case", "other-name", "other-ip"],
)
def test_a_duplicate_is_found_after_normalisation(client, site, redis_url, variant):
    post(client, site)
    with unchanged(redis_url):
        resp = submit(client, site, comment(**variant))
    assert resp.status_code == 409


@pytest.mark.parametrize(
    "variant",
    [
        {"thread": "articolo-2"},
        {"email": "luigi@example.it"},
        {"content": "Ottimo articolo, grazie per la spiegazione."},
    ],
    ids=["other-thread", "other-author", "other-content"],
)
def test_not_a_duplicate_when_thread_author_or_content_differ(client, site, variant):
    post(client, site)
    assert submit(client, site, comment(**variant)).status_code == 202


def test_the_same_comment_on_another_site_is_not_a_duplicate(client, site, r):
    sites.create(r, "blog")
    post(client, site)
    assert submit(client, tokens.create(r, Role.SITE, "blog"), comment()).status_code == 202


def test_the_duplicate_window_is_24_hours(client, site, r):
    post(client, site)
    [dup_key] = r.scan_iter(match=keys.duplicate("news", "*"))
    assert limits.DUPLICATE_WINDOW_SECONDS - 5 < r.ttl(dup_key) <= 24 * 3600
    r.delete(dup_key)  # what the expiry does after 24 h
    assert submit(client, site, comment()).status_code == 202


# -- flood -----------------------------------------------------------------------


@pytest.fixture
def flood_site(r, site):
    sites.update(r, "news", {"flood_seconds": 15}, TEST_SECRET)
    return site


def test_the_same_author_again_within_the_flood_window_is_429(client, flood_site, redis_url):
    post(client, flood_site, content="primo")
    with unchanged(redis_url):
        resp = submit(client, flood_site, comment(content="secondo"))
    assert resp.status_code == 429
    assert resp.mimetype == "application/problem+json"
    assert 1 <= int(resp.headers["Retry-After"]) <= 15


def test_the_same_ip_again_within_the_flood_window_is_429(client, flood_site, redis_url):
    post(client, flood_site, content="primo", user_ip="203.0.113.9")
    body = comment(content="secondo", email="luigi@example.it", user_ip="203.0.113.9")
    with unchanged(redis_url):
        resp = submit(client, flood_site, body)
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) >= 1


def test_another_author_from_another_ip_is_not_flooding(client, flood_site):
    post(client, flood_site, content="primo", user_ip="203.0.113.9")
    body = comment(content="secondo", email="luigi@example.it", user_ip="203.0.113.10")
    assert submit(client, flood_site, body).status_code == 202


def test_the_flood_window_is_the_site_setting_and_expires(client, site, r):
    sites.update(r, "news", {"flood_seconds": 1}, TEST_SECRET)
    post(client, site, content="primo")
    resp = submit(client, site, comment(content="secondo"))
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "1"
    time.sleep(1.05)
    assert submit(client, site, comment(content="secondo")).status_code == 202


def test_the_default_flood_window_is_15_seconds(client, r):
    sites.create(r, "blog")
    token = tokens.create(r, Role.SITE, "blog")
    post(client, token, content="primo")
    resp = submit(client, token, comment(content="secondo"))
    assert resp.status_code == 429
    assert 14 <= int(resp.headers["Retry-After"]) <= limits.FLOOD_SECONDS_DEFAULT


def test_flood_off_lets_the_same_author_post_at_once(client, site):
    post(client, site, content="primo")
    assert submit(client, site, comment(content="secondo")).status_code == 202


# -- Idempotency-Key -------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_gets_the_first_answer(client, site, r):
    first = submit(client, site, comment(), **{"Idempotency-Key": "k-1"})
    again = submit(client, site, comment(), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert len(comment_keys(r)) == 1
    assert stream_length(r) == 1
    assert r.hget(keys.METRICS, "comments_accepted") == "1"


def test_the_same_key_with_another_body_is_422(client, site, redis_url):
    submit(client, site, comment(), **{"Idempotency-Key": "k-1"})
    with unchanged(redis_url):
        resp = submit(client, site, comment(content="diverso"), **{"Idempotency-Key": "k-1"})
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert "Idempotency-Key" in resp.get_json()["errors"]


def test_idempotency_keys_are_per_site(client, site, r):
    sites.create(r, "blog")
    other = tokens.create(r, Role.SITE, "blog")
    first = submit(client, site, comment(), **{"Idempotency-Key": "k-1"})
    second = submit(client, other, comment(content="altro"), **{"Idempotency-Key": "k-1"})
    assert second.status_code == 202
    assert second.get_json()["id"] != first.get_json()["id"]


def test_a_new_key_for_the_same_body_is_a_duplicate(client, site):
    submit(client, site, comment(), **{"Idempotency-Key": "k-1"})
    assert submit(client, site, comment(), **{"Idempotency-Key": "k-2"}).status_code == 409


def test_an_idempotent_retry_is_not_stopped_by_the_flood_guard(client, flood_site):
    first = submit(client, flood_site, comment(), **{"Idempotency-Key": "k-1"})
    again = submit(client, flood_site, comment(), **{"Idempotency-Key": "k-1"})
    assert again.status_code == 202
    assert again.get_json() == first.get_json()


@pytest.mark.parametrize("key", ["", "k" * (limits.IDEMPOTENCY_KEY_MAX + 1)], ids=["empty", "long"])
def test_an_idempotency_key_of_bad_length_is_422(client, site, redis_url, key):
    with unchanged(redis_url):
        resp = submit(client, site, comment(), **{"Idempotency-Key": key})
    assert resp.status_code == 422
    assert "Idempotency-Key" in resp.get_json()["errors"]


def test_the_raw_idempotency_key_is_not_stored(client, site, r):
    submit(client, site, comment(), **{"Idempotency-Key": "segreto-del-client-123"})
    [idem_key] = r.scan_iter(match=keys.idempotency("news", "*"))
    assert "segreto-del-client-123" not in idem_key
    assert "segreto-del-client-123" not in r.get(idem_key)
    assert limits.IDEMPOTENCY_TTL_SECONDS - 5 < r.ttl(idem_key) <= limits.IDEMPOTENCY_TTL_SECONDS


# -- honeypot --------------------------------------------------------------------


def test_a_filled_honeypot_looks_accepted_but_is_filed_as_spam(client, site, r):
    normal = submit(client, site, comment(content="umano"))
    bot = submit(client, site, comment(content="robot", honeypot="http://spam.example"))
    assert bot.status_code == normal.status_code == 202
    assert set(bot.get_json()) == set(normal.get_json())
    assert bot.get_json()["status"] == "pending"
    assert bot.headers["Location"].endswith("/v1/comments/" + bot.get_json()["id"])
    bot_id = bot.get_json()["id"]
    record = r.hgetall(keys.comment(bot_id))
    assert record["status"] == "spam"
    assert [reason["code"] for reason in json.loads(record["reasons"])] == ["HONEYPOT"]
    assert "honeypot" not in record
    assert r.zscore(keys.by_status("spam"), bot_id) is not None
    queued = [fields["id"] for _, fields in r.xrange(keys.STREAM)]
    assert queued == [normal.get_json()["id"]]


def test_a_honeypot_in_a_form_post_is_caught_too(client, site, r):
    resp = client.post("/v1/comments", data=comment(honeypot="x"), headers=bearer(site))
    assert resp.status_code == 202
    assert r.hget(keys.comment(resp.get_json()["id"]), "status") == "spam"
    assert stream_length(r) == 0


def test_the_same_key_with_another_multipart_body_is_422(client, site, redis_url):
    def send(content):
        return client.post(
            "/v1/comments",
            data=comment(content=content),
            content_type="multipart/form-data",
            headers={**bearer(site), "Idempotency-Key": "k-1"},
        )

    assert send("uno").status_code == 202
    with unchanged(redis_url):
        resp = send("due")
    assert resp.status_code == 422
    assert "Idempotency-Key" in resp.get_json()["errors"]
