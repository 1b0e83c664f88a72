"""POST /v1/comments: every bad input gets its specific status and changes nothing.

"Nothing" is the whole Redis database, compared key by key before and after
(no record, no stream entry, no guard key, no counter).
"""

import json

import pytest

from service import keys, limits, sites
from service.vocabulary import Status
from tests.conftest import TEST_SECRET, bearer, comment, post
from tests.redis_state import unchanged

PROBLEM = "application/problem+json"


def rejected(client, redis_url, token, status: int, **request) -> dict:
    """POST, expect ``status`` as a problem document, and no change in Redis."""
    with unchanged(redis_url):
        resp = client.post("/v1/comments", headers=bearer(token), **request)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == PROBLEM
    body = resp.get_json()
    assert body["status"] == status
    assert body["title"]
    return body


def field_errors(client, redis_url, token, body: dict) -> dict:
    problem = rejected(client, redis_url, token, 422, json=body)
    assert isinstance(problem["errors"], dict)
    return problem["errors"]


# -- the body: syntax, encoding, type, size ------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"thread": "t", "author": ',
        b"not json at all",
        b'{"thread": "t",}',
        b"{'thread': 't'}",
        b"",
        b"   ",
        b'{"a": 1}{"b": 2}',
        b"[" * 50_000,  # under the size limit, over the nesting one
    ],
    ids=["truncated", "words", "trailing-comma", "single-quotes", "empty", "blank", "two", "deep"],
)
def test_malformed_json_is_400(client, site, redis_url, raw):
    problem = rejected(client, redis_url, site, 400, data=raw, content_type="application/json")
    assert problem["detail"]


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"a string"', b"42", b"null"])
def test_json_that_is_not_an_object_is_400(client, site, redis_url, raw):
    rejected(client, redis_url, site, 400, data=raw, content_type="application/json")


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps(comment()).encode().replace(b"Ottimo", b"Ottimo \xff\xfe"),
        json.dumps(comment()).encode().replace(b"Mario", b"Mario \xc0\xaf"),  # overlong "/"
        json.dumps(comment()).encode().replace(b"Mario", b"Mario \xed\xa0\x80"),  # surrogate
        json.dumps(comment()).encode()[:-3] + b"\xe2\x82",  # truncated sequence
    ],
    ids=["invalid-bytes", "overlong", "encoded-surrogate", "truncated"],
)
def test_invalid_utf8_json_is_400(client, site, redis_url, raw):
    problem = rejected(client, redis_url, site, 400, data=raw, content_type="application/json")
    assert "UTF-8" in problem["detail"]


def test_a_json_escaped_lone_surrogate_is_400(client, site, redis_url):
    raw = json.dumps(comment(author="Mario \ud800 Rossi")).encode()
    assert b"\\ud800" in raw
    problem = rejected(client, redis_url, site, 400, data=raw, content_type="application/json")
    assert "surrogate" in problem["detail"]


def test_a_surrogate_pair_escape_is_a_valid_character(client, site, r):
    raw = json.dumps(comment(author="Mario \U0001f600")).encode()
    assert b"\\ud83d\\ude00" in raw
    resp = client.post(
        "/v1/comments", data=raw, content_type="application/json", headers=bearer(site)
    )
    assert resp.status_code == 202
    assert r.hget(keys.comment(resp.get_json()["id"]), "author") == "Mario \U0001f600"


@pytest.mark.parametrize(
    "raw",
    [
        b"thread=t&author=Mario\xff&email=m%40example.it&content=ciao",
        b"thread=t&author=Mario%FF&email=m%40example.it&content=ciao",
        b"thread=t&author=Mario%ED%A0%80&email=m%40example.it&content=ciao",
    ],
    ids=["raw-byte", "percent-encoded", "percent-encoded-surrogate"],
)
def test_invalid_utf8_form_is_400(client, site, redis_url, raw):
    ctype = "application/x-www-form-urlencoded"
    problem = rejected(client, redis_url, site, 400, data=raw, content_type=ctype)
    assert "UTF-8" in problem["detail"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/octet-stream", "text/html; charset=utf-8", None],
)
def test_a_wrong_content_type_is_415(client, site, redis_url, content_type):
    headers = {**bearer(site)}
    if content_type:
        headers["Content-Type"] = content_type
    with unchanged(redis_url):
        resp = client.post("/v1/comments", data=json.dumps(comment()), headers=headers)
    assert resp.status_code == 415
    assert resp.mimetype == PROBLEM


def _body_of_size(size: int) -> bytes:
    """A valid submission padded (with an ignored field) to exactly ``size`` bytes."""
    body = comment(padding="")
    overhead = len(json.dumps(body).encode())
    body["padding"] = "x" * (size - overhead)
    raw = json.dumps(body).encode()
    assert len(raw) == size
    return raw


def test_a_body_of_exactly_the_limit_is_accepted(client, site):
    resp = client.post(
        "/v1/comments",
        data=_body_of_size(limits.MAX_BODY_BYTES),
        content_type="application/json",
        headers=bearer(site),
    )
    assert resp.status_code == 202


@pytest.mark.parametrize("ctype", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_limit_is_413(client, site, redis_url, ctype):
    raw = _body_of_size(limits.MAX_BODY_BYTES + 1)
    problem = rejected(client, redis_url, site, 413, data=raw, content_type=ctype)
    assert str(limits.MAX_BODY_BYTES) in problem["detail"]


def test_a_declared_length_over_the_limit_is_413_before_reading(client, site, redis_url):
    with unchanged(redis_url):
        resp = client.post(
            "/v1/comments",
            data=b"{}",
            content_type="application/json",
            headers=bearer(site),
            environ_overrides={"CONTENT_LENGTH": str(10 * limits.MAX_BODY_BYTES)},
        )
    assert resp.status_code == 413


# -- each field: missing, empty, too long, wrong type, null ---------------------

REQUIRED_TOO_LONG = {
    "thread": "t" * (limits.THREAD_MAX + 1),
    "author": "a" * (limits.AUTHOR_MAX + 1),
    "email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 59 + ".it",  # 255
    "content": "c" * (limits.CONTENT_MAX_DEFAULT + 1),
}
WRONG_TYPES = [123, 1.5, True, ["a"], {"a": "b"}]


@pytest.mark.parametrize("field", sorted(REQUIRED_TOO_LONG))
def test_a_missing_required_field_is_422(client, site, redis_url, field):
    errors = field_errors(client, redis_url, site, comment(**{field: ...}))
    assert list(errors) == [field]


@pytest.mark.parametrize(
    "value", ["", "   ", "\x00\x01", "\u202e"], ids=["empty", "blank", "c0", "bidi"]
)
@pytest.mark.parametrize("field", sorted(REQUIRED_TOO_LONG))
def test_an_empty_required_field_is_422(client, site, redis_url, field, value):
    errors = field_errors(client, redis_url, site, comment(**{field: value}))
    assert list(errors) == [field]


@pytest.mark.parametrize("field", sorted(REQUIRED_TOO_LONG))
def test_a_too_long_required_field_is_422(client, site, redis_url, field):
    assert len(REQUIRED_TOO_LONG["email"]) == limits.EMAIL_MAX + 1
    errors = field_errors(client, redis_url, site, comment(**{field: REQUIRED_TOO_LONG[field]}))
    assert list(errors) == [field]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("field", sorted(REQUIRED_TOO_LONG))
def test_a_required_field_of_the_wrong_type_is_422(client, site, redis_url, field, value):
    errors = field_errors(client, redis_url, site, comment(**{field: value}))
    assert list(errors) == [field]


@pytest.mark.parametrize("field", sorted(REQUIRED_TOO_LONG))
def test_a_null_required_field_is_422(client, site, redis_url, field):
    errors = field_errors(client, redis_url, site, comment(**{field: None}))
    assert list(errors) == [field]


def test_every_field_error_is_reported_at_once(client, site, redis_url):
    body = {"thread": "", "author": None, "email": "nope", "url": "ftp://x.org", "lang": 7}
    errors = field_errors(client, redis_url, site, body)
    assert set(errors) == {"thread", "author", "email", "content", "url", "lang"}
    assert all(
        isinstance(m, list) and m and all(isinstance(s, str) for s in m) for m in errors.values()
    )


OPTIONAL_TOO_LONG = {
    "parent": "p" * 65,
    "url": "https://example.org/" + "p" * (limits.URL_MAX - 19),
    "user_agent": "u" * (limits.USER_AGENT_MAX + 1),
    "referrer": "https://example.org/" + "r" * limits.REFERRER_MAX,
    "permalink": "https://example.org/" + "l" * limits.PERMALINK_MAX,
    "lang": "it-" + "x" * 40,
    "honeypot": "h" * 1_001,
}


@pytest.mark.parametrize("field", sorted(OPTIONAL_TOO_LONG))
def test_a_too_long_optional_field_is_422(client, site, redis_url, field):
    errors = field_errors(client, redis_url, site, comment(**{field: OPTIONAL_TOO_LONG[field]}))
    assert list(errors) == [field]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("field", sorted([*OPTIONAL_TOO_LONG, "user_ip"]))
def test_an_optional_field_of_the_wrong_type_is_422(client, site, redis_url, field, value):
    errors = field_errors(client, redis_url, site, comment(**{field: value}))
    assert list(errors) == [field]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "//example.org/path",
        "example.org",
        "https://",
        "http:// spaced.example.org",
    ],
)
def test_a_url_that_is_not_http_or_https_is_422(client, site, redis_url, url):
    errors = field_errors(client, redis_url, site, comment(url=url))
    assert list(errors) == ["url"]


@pytest.mark.parametrize(
    "email",
    [
        '"mario rossi"@example.it',
        '"mario"@example.it',
        'mario\\"x@example.it',
        "mario@",
        "mario",
        "@example.it",
        "mario@localhost",
        "mario@example",
        "mario@[192.0.2.1]",
        "mario@@example.it",
        "mario..rossi@example.it",
        ".mario@example.it",
        "mario rossi@example.it",
        "mario@-example.it",
        "mario@example.i",
        "a" * 65 + "@example.it",
    ],
)
def test_an_email_that_is_not_a_real_address_is_422_without_echoing_it(
    client, site, redis_url, email
):
    errors = field_errors(client, redis_url, site, comment(email=email))
    assert list(errors) == ["email"]
    assert email not in json.dumps(errors)


@pytest.mark.parametrize("user_ip", ["999.1.1.1", "1.2.3", "01.2.3.4", "example.org", "::g"])
def test_an_invalid_user_ip_is_422(client, site, redis_url, user_ip):
    assert list(field_errors(client, redis_url, site, comment(user_ip=user_ip))) == ["user_ip"]


@pytest.mark.parametrize("lang", ["italiano!", "i", "it_IT", "it--IT"])
def test_an_invalid_lang_is_422(client, site, redis_url, lang):
    assert list(field_errors(client, redis_url, site, comment(lang=lang))) == ["lang"]


def test_a_10001_character_word_is_422(client, site, redis_url):
    errors = field_errors(client, redis_url, site, comment(content="w" * 10_001))
    assert list(errors) == ["content"]


def test_content_over_the_limit_only_after_stripping_counts(client, site, r):
    content = "w" * 10_000 + "\x00" * 50 + "   "
    resp = client.post("/v1/comments", json=comment(content=content), headers=bearer(site))
    assert resp.status_code == 202


# -- parent --------------------------------------------------------------------


def test_an_unknown_parent_is_422(client, site, redis_url):
    errors = field_errors(client, redis_url, site, comment(parent="0194a0b0c0d0e0f0a0b0c0"))
    assert list(errors) == ["parent"]


def _approved(r, comment_id: str) -> str:
    r.hset(keys.comment(comment_id), "status", str(Status.APPROVED))
    return comment_id


def test_a_parent_from_another_thread_is_422(client, site, r, redis_url):
    parent = _approved(r, post(client, site, thread="articolo-2"))
    errors = field_errors(client, redis_url, site, comment(parent=parent))
    assert list(errors) == ["parent"]


def test_a_parent_from_another_site_is_422(client, site, r, redis_url):
    from service import tokens
    from service.vocabulary import Role

    sites.create(r, "blog")
    other = tokens.create(r, Role.SITE, "blog")
    parent = _approved(r, post(client, other))
    errors = field_errors(client, redis_url, site, comment(parent=parent))
    assert list(errors) == ["parent"]


@pytest.mark.parametrize("status", ["pending", "held", "spam", "rejected"])
def test_a_parent_that_is_not_approved_is_422(client, site, r, redis_url, status):
    parent = post(client, site, content="primo")
    r.hset(keys.comment(parent), "status", status)
    errors = field_errors(client, redis_url, site, comment(parent=parent, content="risposta"))
    assert errors == {"parent": ["The parent comment is not approved."]}


# -- the error envelope -----------------------------------------------------------


def test_field_errors_do_not_echo_submitted_values(client, site, redis_url):
    body = comment(url="javascript:steal('x@example.it')", lang="zz zz", user_ip="evil")
    problem = rejected(client, redis_url, site, 422, json=body)
    text = json.dumps(problem)
    for value in (body["url"], body["lang"], body["user_ip"]):
        assert value not in text


def test_get_on_the_collection_is_405_in_the_envelope(client, site):
    resp = client.get("/v1/comments", headers=bearer(site))
    assert resp.status_code == 405
    assert resp.mimetype == PROBLEM
    assert "POST" in resp.headers["Allow"]


def test_a_site_content_limit_rejects_in_the_same_way(client, site, r, redis_url):
    sites.update(r, "news", {"content_max": 20}, TEST_SECRET)
    errors = field_errors(client, redis_url, site, comment(content="x" * 21))
    assert list(errors) == ["content"]
