"""POST /v1/comments: what an accepted comment looks like, in the answer and in Redis."""

import json
import re
import time
from datetime import UTC, datetime

import pytest

from service import keys, privacy, sites
from service.vocabulary import Status
from tests.conftest import TEST_SECRET, bearer, comment
from tests.redis_state import comment_keys, stored_strings, stream_length


def post(client, token, body=None, **kwargs):
    if body is not None:
        kwargs["json"] = body
    return client.post("/v1/comments", headers=bearer(token), **kwargs)


def stored(r, comment_id: str) -> dict:
    record = r.hgetall(keys.comment(comment_id))
    assert record, f"no record for {comment_id}"
    return record


def test_accepted_comment_answer_is_202_with_id_status_thread_and_location(client, site):
    before = datetime.now(UTC)
    resp = post(client, site, comment())
    assert resp.status_code == 202
    body = resp.get_json()
    assert set(body) == {"id", "status", "thread", "created_at"}
    assert body["status"] == "pending"
    assert body["thread"] == "articolo-1"
    assert re.fullmatch(r"[0-9a-f]{22}", body["id"])
    created = datetime.fromisoformat(body["created_at"].replace("Z", "+00:00"))
    assert abs((created - before).total_seconds()) < 5
    assert resp.headers["Location"].endswith(f"/v1/comments/{body['id']}")


def test_location_header_names_the_stored_comment(client, site):
    resp = post(client, site, comment())
    shown = client.get(resp.headers["Location"], headers=bearer(site))
    assert shown.status_code == 200
    view = shown.get_json()
    assert view["id"] == resp.get_json()["id"]
    assert view["content"] == comment()["content"]
    assert view["status"] == "pending"


def test_record_keeps_email_as_hash_and_mask_only(client, site, r, redis_url):
    resp = post(client, site, comment(email="Mario.Rossi@Example.it"))
    record = stored(r, resp.get_json()["id"])
    assert record["site"] == "news"
    assert record["thread"] == "articolo-1"
    assert record["author"] == "Mario Rossi"
    assert record["status"] == "pending"
    assert record["email_hash"] == privacy.email_hash(TEST_SECRET, "mario.rossi@example.it")
    assert record["email_masked"] == "M***i@E******.it"
    assert "email" not in record
    assert not any("mario.rossi@example.it" in s.lower() for s in stored_strings(redis_url))


def test_accepting_queues_one_stream_entry_and_counts_it(client, site, r):
    first = post(client, site, comment(content="primo")).get_json()["id"]
    second = post(client, site, comment(content="secondo")).get_json()["id"]
    entries = r.xrange(keys.STREAM)
    assert [fields["id"] for _, fields in entries] == [first, second]
    assert r.hget(keys.METRICS, "comments_accepted") == "2"
    assert comment_keys(r) == sorted([keys.comment(first), keys.comment(second)])


def test_form_encoded_submission_is_accepted_and_unknown_fields_ignored(client, site, r):
    form = comment(submit="Invia commento", comment_post_ID="42", _wp_nonce="abc")
    resp = post(client, site, data=form)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    record = stored(r, resp.get_json()["id"])
    assert record["content"] == form["content"]
    assert not {"submit", "comment_post_ID", "_wp_nonce"} & set(record)


def test_unknown_json_fields_are_ignored(client, site, r):
    resp = post(client, site, comment(rating=5, extra={"a": [1, 2]}, consent=True))
    assert resp.status_code == 202
    assert not {"rating", "extra", "consent"} & set(stored(r, resp.get_json()["id"]))


def test_text_is_nfc_normalised(client, site, r):
    decomposed = "Perche\u0301 no? Citta\u0300 di Niccolo\u0300"
    resp = post(client, site, comment(author="Niccolo\u0300 Rossi", content=decomposed))
    record = stored(r, resp.get_json()["id"])
    assert record["author"] == "Niccol\u00f2 Rossi"
    assert record["content"] == "Perch\u00e9 no? Citt\u00e0 di Niccol\u00f2"


def test_nul_and_control_characters_are_stripped_and_the_comment_accepted(client, site, r):
    content = "ciao\x00 mondo\x07\x1b[0m\r\nseconda\triga\x7f\x85"
    resp = post(client, site, comment(author="Mario\x00 Rossi\n\x08", content=content))
    assert resp.status_code == 202
    record = stored(r, resp.get_json()["id"])
    assert record["author"] == "Mario Rossi"
    assert record["content"] == "ciao mondo[0m\nseconda\triga"


def test_nul_bytes_in_a_form_body_are_stripped(client, site, r):
    body = "thread=t&author=Ma%00rio&email=m%40example.it&content=ci%00ao%01"
    resp = post(client, site, data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 202
    record = stored(r, resp.get_json()["id"])
    assert (record["author"], record["content"]) == ("Mario", "ciao")


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2069"])
def test_bidi_override_characters_are_stripped_from_the_author(client, site, r, control):
    resp = post(client, site, comment(author=f"Mario {control}issoR", content=f"a{control}b"))
    assert resp.status_code == 202
    record = stored(r, resp.get_json()["id"])
    assert record["author"] == "Mario issoR"
    assert record["content"] == "ab"


@pytest.mark.parametrize(
    "word",
    [
        "a" * 10_000,
        "at" * 5_000,
        "!" * 9_995 + "@e.it",  # one long run of e-mail characters with an "@"
        "#'" * 4_999 + "@x",
        "x." * 4_999 + "@a",
    ],
    ids=["letters", "at-repeated", "punctuation-address", "punctuation-at", "dotted"],
)
def test_a_10000_character_single_word_is_accepted_quickly(client, site, r, word):
    assert len(word) == 10_000
    started = time.perf_counter()
    resp = post(client, site, comment(content=word))
    elapsed = time.perf_counter() - started
    assert resp.status_code == 202
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert len(stored(r, resp.get_json()["id"])["content"]) <= 10_000


@pytest.mark.parametrize(
    ("field", "limit", "value_of"),
    [
        ("thread", 512, lambda n: "t" * n),
        ("author", 245, lambda n: "a" * n),
        ("content", 10_000, lambda n: "c" * n),
        ("url", 200, lambda n: "https://example.org/" + "p" * (n - 20)),
    ],
)
def test_fields_at_their_exact_limit_are_accepted(client, site, r, field, limit, value_of):
    value = value_of(limit)
    assert len(value) == limit
    resp = post(client, site, comment(**{field: value}))
    assert resp.status_code == 202, resp.get_data(as_text=True)
    assert stored(r, resp.get_json()["id"])[field] == value


def test_an_email_of_exactly_254_characters_is_accepted(client, site):
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".it"
    assert len(email) == 254
    assert post(client, site, comment(email=email)).status_code == 202


OPTIONAL = ["parent", "url", "user_ip", "user_agent", "referrer", "permalink", "lang", "honeypot"]


@pytest.mark.parametrize("empty", ["", "   ", None], ids=["empty", "blank", "null"])
@pytest.mark.parametrize("field", OPTIONAL)
def test_an_empty_or_null_optional_field_means_not_given(client, site, r, field, empty):
    resp = post(client, site, comment(**{field: empty}))
    assert resp.status_code == 202, resp.get_data(as_text=True)
    record = stored(r, resp.get_json()["id"])
    assert field not in record
    assert record["status"] == "pending"
    assert stream_length(r) == 1


def test_all_optional_context_fields_are_kept(client, site, r):
    body = comment(
        url="https://mario.example.org/blog",
        user_agent="Mozilla/5.0 (X11; Linux x86_64)",
        referrer="https://news.example.it/articolo-1",
        permalink="https://news.example.it/articolo-1#c",
        lang="it-IT",
    )
    record = stored(r, post(client, site, body).get_json()["id"])
    for name in ("url", "user_agent", "referrer", "permalink", "lang"):
        assert record[name] == body[name]


@pytest.mark.parametrize(
    ("ip", "network"),
    [("203.0.113.77", "203.0.113.0"), ("2001:db8:abcd:12:3456::1", "2001:db8:abcd::")],
)
def test_the_ip_is_stored_truncated_and_hashed_never_whole(client, site, r, redis_url, ip, network):
    record = stored(r, post(client, site, comment(user_ip=ip)).get_json()["id"])
    assert record["ip_net"] == network
    assert record["ip_hash"] == privacy.ip_hash(TEST_SECRET, ip)
    assert not any(ip in s for s in stored_strings(redis_url))


def test_addresses_in_free_text_are_hidden_before_storage(client, site, r, redis_url):
    body = comment(
        author="Mario <mario@example.it>",
        content="Scrivimi: mario [at] example [dot] it oppure mario(at)example.it",
        url="https://example.org/?contatto=mario@example.it",
    )
    record = stored(r, post(client, site, body).get_json()["id"])
    assert record["author"] == "Mario <[email hidden]>"
    assert record["content"] == "Scrivimi: [email hidden] oppure [email hidden]"
    assert "mario@example.it" not in record["url"]
    assert not any("example.it" in s for s in stored_strings(redis_url))


def test_a_site_content_limit_applies(client, site, r, redis_url):
    sites.update(r, "news", {"content_max": 50}, TEST_SECRET)
    assert post(client, site, comment(content="x" * 50)).status_code == 202
    resp = post(client, site, comment(content="y" * 51))
    assert resp.status_code == 422
    assert list(resp.get_json()["errors"]) == ["content"]


def test_a_reply_to_an_approved_comment_of_the_same_thread_is_accepted(client, site, r):
    parent = post(client, site, comment(content="primo")).get_json()["id"]
    r.hset(keys.comment(parent), "status", str(Status.APPROVED))
    resp = post(client, site, comment(parent=parent, content="risposta"))
    assert resp.status_code == 202, resp.get_data(as_text=True)
    assert stored(r, resp.get_json()["id"])["parent"] == parent
    assert client.get(resp.headers["Location"], headers=bearer(site)).get_json()["parent"] == parent


def test_a_multipart_form_submission_is_accepted(client, site, r):
    form = comment(submit="Invia")
    resp = post(client, site, data=form, content_type="multipart/form-data")
    assert resp.status_code == 202, resp.get_data(as_text=True)
    record = stored(r, resp.get_json()["id"])
    assert record["content"] == form["content"]
    assert "submit" not in record


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "application/vnd.vaglio+json", "Application/JSON"],
)
def test_json_content_type_variants_are_accepted(client, site, content_type):
    resp = client.post(
        "/v1/comments",
        data=json.dumps(comment()).encode(),
        headers={**bearer(site), "Content-Type": content_type},
    )
    assert resp.status_code == 202, resp.get_data(as_text=True)


def test_metrics_count_accepted_comments_only(client, site):
    post(client, site, comment())
    client.post("/v1/comments", json=comment(content=""), headers=bearer(site))
    client.post("/v1/comments", json=comment(), headers=bearer(site))  # a duplicate
    text = client.get("/metrics").get_data(as_text=True)
    assert "vaglio_comments_accepted_total 1\n" in text
    assert "vaglio_stream_length 1\n" in text
