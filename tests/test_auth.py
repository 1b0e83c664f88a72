"""Bearer tokens: 401 without a known token, 403 for the wrong role or site; stored hashed."""

import pytest

from service import keys, sites, tokens
from service.vocabulary import Role
from tests.conftest import bearer, comment, post
from tests.redis_state import stored_strings, unchanged

PUBLIC_FIELDS = {
    "id",
    "site",
    "thread",
    "parent",
    "author",
    "url",
    "content",
    "status",
    "created_at",
    "decided_at",
    "score",
    "reasons",
    "model_version",
}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer   "},
        {"Authorization": "Basic bWFyaW86cm9zc2k="},
        {"Authorization": "Token vg_abc"},
    ],
    ids=["none", "empty", "bearer-only", "bearer-blank", "basic", "other-scheme"],
)
def test_no_token_is_401_with_www_authenticate(client, site, redis_url, headers):
    with unchanged(redis_url):
        resp = client.post("/v1/comments", json=comment(), headers=headers)
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "token",
    ["vg_unknown", "nope", "vg_" + "x" * 200, "vg_" + "x" * 43],
    ids=["unknown", "no-prefix", "too-long", "well-formed"],
)
def test_an_unknown_token_is_401(client, site, redis_url, token):
    with unchanged(redis_url):
        resp = client.post("/v1/comments", json=comment(), headers=bearer(token))
    assert resp.status_code == 401
    assert "invalid_token" in resp.headers["WWW-Authenticate"]


def test_a_revoked_token_is_401(client, r, app):
    from service import auth

    sites.create(r, "blog")
    token = tokens.create(r, Role.SITE, "blog")
    assert client.post("/v1/comments", json=comment(), headers=bearer(token)).status_code == 202
    assert tokens.revoke(r, token)
    auth._cache.clear()  # what CACHE_SECONDS of waiting does
    resp = client.post("/v1/comments", json=comment(content="altro"), headers=bearer(token))
    assert resp.status_code == 401


@pytest.mark.parametrize("role", ["moderator", "operator"])
def test_only_a_site_token_may_submit(client, redis_url, role, request):
    token = request.getfixturevalue(role)
    with unchanged(redis_url):
        resp = client.post("/v1/comments", json=comment(), headers=bearer(token))
    assert resp.status_code == 403
    assert resp.mimetype == "application/problem+json"


def test_a_site_reads_its_own_comment_without_private_fields(client, site):
    comment_id = post(client, site, user_ip="203.0.113.5", user_agent="UA")
    resp = client.get(f"/v1/comments/{comment_id}", headers=bearer(site))
    assert resp.status_code == 200
    view = resp.get_json()
    assert set(view) == PUBLIC_FIELDS
    assert view["id"] == comment_id
    assert view["site"] == "news"
    assert view["status"] == "pending"
    assert view["reasons"] == []
    text = resp.get_data(as_text=True)
    for private in ("mario.rossi@example.it", "203.0.113", "email", "ip_"):
        assert private not in text


def test_another_site_may_not_read_it(client, site, r):
    comment_id = post(client, site)
    sites.create(r, "blog")
    other = tokens.create(r, Role.SITE, "blog")
    resp = client.get(f"/v1/comments/{comment_id}", headers=bearer(other))
    assert resp.status_code == 403
    assert "Ottimo" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("role", ["moderator", "operator"])
def test_a_moderator_sees_the_masked_email_and_history_never_the_email(client, site, role, request):
    comment_id = post(client, site, user_ip="203.0.113.5")
    token = request.getfixturevalue(role)
    resp = client.get(f"/v1/comments/{comment_id}", headers=bearer(token))
    assert resp.status_code == 200
    view = resp.get_json()
    assert set(view) >= PUBLIC_FIELDS
    assert view["email_masked"] == "m***i@e******.it"
    assert view["author_history"] == {"approved": 0, "held": 0, "spam": 0, "rejected": 0}
    assert not {"email", "email_hash", "ip_hash", "ip_net", "user_ip"} & set(view)
    text = resp.get_data(as_text=True)
    assert "mario.rossi@example.it" not in text
    assert "203.0.113.5" not in text


@pytest.mark.parametrize("comment_id", ["0194a0b0c0d0e0f0a0b0c0", "x" * 65, "..%2f..%2fetc"])
def test_an_unknown_comment_is_404(client, moderator, comment_id):
    resp = client.get(f"/v1/comments/{comment_id}", headers=bearer(moderator))
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_reading_a_comment_needs_a_token(client, site):
    comment_id = post(client, site)
    resp = client.get(f"/v1/comments/{comment_id}")
    assert resp.status_code == 401
    assert "Ottimo" not in resp.get_data(as_text=True)


def test_tokens_are_stored_only_as_digests(client, r, redis_url, site, moderator, operator):
    post(client, site)
    everything = stored_strings(redis_url)
    for token in (site, moderator, operator):
        assert token.startswith(tokens.TOKEN_PREFIX)
        secret_part = token[len(tokens.TOKEN_PREFIX) :]
        assert not any(secret_part in s for s in everything)
        assert r.exists(keys.token(tokens.digest(token)))


def test_token_roles_are_what_they_were_created_with(r, site, moderator, operator):
    assert tokens.lookup(r, site).role is Role.SITE
    assert tokens.lookup(r, site).site == "news"
    assert tokens.lookup(r, moderator).role is Role.MODERATOR
    assert tokens.lookup(r, moderator).site is None
    assert tokens.lookup(r, operator).can(Role.MODERATOR)
    assert not tokens.lookup(r, moderator).can(Role.OPERATOR)
    assert not tokens.lookup(r, site).can(Role.MODERATOR)


def test_tokens_are_distinct_and_unguessable(r):
    made = {tokens.create(r, Role.MODERATOR) for _ in range(50)}
    assert len(made) == 50
    assert all(len(t) >= len(tokens.TOKEN_PREFIX) + 40 for t in made)


def test_a_site_token_needs_a_site_and_others_must_not_have_one(r):
    with pytest.raises(ValueError):
        tokens.create(r, Role.SITE)
    with pytest.raises(ValueError):
        tokens.create(r, Role.MODERATOR, "news")
