"""The moderators' web page: sign-in, sessions, CSRF, escaping, no-JS decisions."""

import json
import re

import pytest

from service import keys, moderation, tokens
from service.clock import now_ms
from service.transitions import Change, Transitions
from service.web import highlight, sessions
from tests.conftest import bearer, post

XSS_AUTHOR = "<script>alert(1)</script>"
XSS_CONTENT = '"><img src=x onerror=alert(1)>'


def verdict(r, comment_id, status="held", score=0.55, reasons=None):
    """Give a pending comment a verdict, as the worker would (no classifier needed)."""
    record = r.hgetall(keys.comment(comment_id))
    reasons = reasons or [{"code": "SPAM_SCORE", "detail": f"score {score:.2f}"}]
    fields = {
        "decided_ms": now_ms(),
        "score": f"{score:.4f}",
        "reasons": json.dumps(reasons),
        "model_version": "v1",
    }
    audit = {"who": "worker:test", "when": now_ms(), "from": "pending", "to": status, "note": ""}
    (outcome,) = Transitions(r).apply(
        [Change(record=record, to=status, fields=fields, audit=audit, expected="pending")]
    )
    assert outcome.result == "OK"
    return comment_id


def held(r, client, site, n=0, **fields):
    fields.setdefault("email", f"autore{n}@example.it")
    fields.setdefault("content", f"Commento numero {n}, da rivedere.")
    reasons, score = fields.pop("reasons", None), fields.pop("score", 0.55)
    return verdict(r, post(client, site, **fields), score=score, reasons=reasons)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client, token, **kwargs):
    form = client.get("/moderate/login", **kwargs)
    data = {"csrf": csrf_of(form.get_data(as_text=True)), "token": token}
    return client.post("/moderate/login", data=data, **kwargs)


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("vaglio_"))


@pytest.fixture
def signed_in(client, moderator):
    assert login(client, moderator).status_code == 303
    return client


def page_csrf(client) -> str:
    return csrf_of(client.get("/moderate").get_data(as_text=True))


def test_login_sets_a_strict_http_only_cookie(client, moderator):
    response = login(client, moderator)
    assert response.status_code == 303 and response.headers["Location"] == "/moderate"
    cookie = session_cookie(response)
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert client.get("/moderate").status_code == 200


def test_cookie_is_secure_over_https(client, operator):
    response = login(client, operator, base_url="https://localhost")
    assert response.status_code == 303
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_behind_a_trusted_tls_proxy_the_cookie_is_secure(r, config_overrides, operator):
    from service import create_app

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "news.example.it"}
    for proxies, secure in ((0, False), (1, True)):
        app = create_app({**config_overrides, "trusted_proxies": proxies})
        response = login(app.test_client(), operator, headers=forwarded)
        app.extensions["vaglio.redis"].close()
        assert response.status_code == 303
        assert ("Secure" in session_cookie(response)) is secure, proxies


def test_site_token_and_unknown_token_are_refused(client, site):
    refused = login(client, site)
    assert refused.status_code == 403 and "cannot moderate" in refused.get_data(as_text=True)
    unknown = login(client, "vg_not-a-real-token")
    assert unknown.status_code == 401
    for response in (refused, unknown):
        assert not any(
            c.startswith("vaglio_session=") for c in response.headers.getlist("Set-Cookie")
        )
    gate = client.get("/moderate")
    assert gate.status_code == 303 and gate.headers["Location"].startswith("/moderate/login")


def test_login_form_needs_its_csrf_nonce(client, moderator):
    client.get("/moderate/login")
    response = client.post("/moderate/login", data={"csrf": "guess", "token": moderator})
    assert response.status_code == 403 and client.get("/moderate").status_code == 303


def test_queue_lists_held_comments_with_reasons(r, client, site, moderator, signed_in):
    keyword = [
        {"code": "SPAM_SCORE", "detail": 'score 0.62: "subscribe"'},
        {"code": "MODERATION_KEYWORD", "detail": '"casino"'},
    ]
    comment_id = held(
        r,
        client,
        site,
        content="Il miglior Casinò: www.example.com/bonus",
        reasons=keyword,
        score=0.62,
    )
    other = held(r, client, site, 1, author="Giulia")
    verdict(r, post(client, site, content="Buy now", email="s@example.com"), status="spam")
    html = signed_in.get("/moderate").get_data(as_text=True)
    assert comment_id in html and other in html and "Buy now" not in html
    assert "MODERATION_KEYWORD" in html and "score 0.62" in html and "Giulia" in html
    assert '<mark class="hl hl-keyword">Casinò</mark>' in html
    assert '<mark class="hl hl-link">www.example.com/bonus</mark>' in html
    masked = client.get(f"/v1/comments/{comment_id}", headers=bearer(moderator)).get_json()
    assert masked["email_masked"] and masked["email_masked"] in html
    assert 'class="fill s12 level-mid"' in html  # score bar 0.62 -> 60 %
    assert "<b>1</b> held" in html and "<b>0</b> spam" in html  # the author's history
    spam_tab = signed_in.get("/moderate?tab=spam").get_data(as_text=True)
    assert "Buy now" in spam_tab and comment_id not in spam_tab


def test_xss_payloads_render_as_text(r, client, site, signed_in):
    held(r, client, site, author=XSS_AUTHOR, content=XSS_CONTENT)
    response = signed_in.get("/moderate")
    html = response.get_data(as_text=True)
    assert XSS_AUTHOR not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert len(re.findall(r"<script", html)) == 1  # ours, from /static


def test_security_headers(signed_in):
    with signed_in.get("/static/moderate.js") as script:
        assert script.headers["X-Content-Type-Options"] == "nosniff"
    response = signed_in.get("/moderate")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
    ):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "style=" not in response.get_data(as_text=True)  # the CSP would block inline styles


def test_post_without_csrf_is_refused_and_changes_nothing(r, client, site, signed_in):
    comment_id = held(r, client, site)
    response = signed_in.post("/moderate/decide", data={"decide": f"approve:{comment_id}"})
    assert response.status_code == 403
    assert r.hget(keys.comment(comment_id), "status") == "held"
    assert not r.hexists(keys.MODERATION_LABELS, comment_id)
    assert len(moderation.audit_trail(r, comment_id)) == 1  # the worker's verdict only


def test_post_from_another_origin_is_refused(r, client, site, signed_in):
    comment_id = held(r, client, site)
    data = {"decide": f"spam:{comment_id}", "csrf": page_csrf(signed_in)}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null", "Sec-Fetch-Site": "same-site"},
    ):
        assert signed_in.post("/moderate/decide", data=data, headers=headers).status_code == 403
    assert r.hget(keys.comment(comment_id), "status") == "held"
    # Our own page's form post: Origin null (Referrer-Policy: no-referrer), same-origin.
    own = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert signed_in.post("/moderate/decide", data=data, headers=own).status_code == 303


def test_form_decision_changes_status_audit_and_label(r, client, site, signed_in, moderator):
    comment_id = held(r, client, site)
    data = {"decide": f"approve:{comment_id}", "csrf": page_csrf(signed_in), "tab": "held"}
    headers = {"Origin": "http://localhost"}
    response = signed_in.post("/moderate/decide", data=data, headers=headers)
    assert response.status_code == 303 and response.headers["Location"] == "/moderate"
    assert r.hget(keys.comment(comment_id), "status") == "approved"
    actor = tokens.lookup(r, moderator).actor
    last = moderation.audit_trail(r, comment_id)[-1]
    assert (last["who"], last["from"], last["to"]) == (actor, "held", "approved")
    label = json.loads(r.hget(keys.MODERATION_LABELS, comment_id))
    assert label["label"] == "ham" and label["source"] == "moderator"
    assert r.zscore(keys.thread("news", "articolo-1"), comment_id) is not None
    page = signed_in.get("/moderate").get_data(as_text=True)
    assert "1 comment approved." in page and comment_id not in page
    approved_tab = signed_in.get("/moderate?tab=approved").get_data(as_text=True)
    assert comment_id in approved_tab and f"approve by {actor}" in approved_tab
    assert "1 comment approved." not in signed_in.get("/moderate").get_data(as_text=True)


def test_one_authors_comments_on_their_own_and_decided_there(r, client, site, signed_in):
    mario = [held(r, client, site, n, email="burst@example.org", author="Mario") for n in (1, 2)]
    anna = held(r, client, site, 3, author="Anna")
    everyone = signed_in.get("/moderate").get_data(as_text=True)
    link = f"/moderate?author_of={mario[0]}"
    assert link in everyone and f"/moderate?author_of={anna}" not in everyone  # Anna: one comment

    only = signed_in.get(link).get_data(as_text=True)
    assert all(f'id="c-{i}"' in only for i in mario) and f'id="c-{anna}"' not in only
    assert "Only comments from Mario." in only and 'href="/moderate"' in only
    assert f'href="/moderate?tab=spam&amp;author_of={mario[0]}"' in only  # the tabs keep it

    data = {
        "decide": f"spam:{mario[1]}",
        "csrf": page_csrf(signed_in),
        "tab": "held",
        "author_of": mario[0],
    }
    done = signed_in.post("/moderate/decide", data=data, headers={"Origin": "http://localhost"})
    assert done.status_code == 303 and done.headers["Location"] == link
    assert r.hget(keys.comment(mario[1]), "status") == "spam"

    gone = signed_in.get("/moderate?author_of=no-such-comment").get_data(as_text=True)
    assert f'id="c-{anna}"' in gone and 'id="author-filter"' not in gone


def test_bulk_decision_and_json_answer(r, client, site, signed_in):
    ids = [held(r, client, site, n) for n in range(3)]
    csrf = page_csrf(signed_in)
    data = {"action": "spam", "ids": [ids[0], ids[1], "unknown-id"], "csrf": csrf, "tab": "spam"}
    response = signed_in.post("/moderate/decide", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/moderate?tab=spam"
    assert [r.hget(keys.comment(i), "status") for i in ids] == ["spam", "spam", "held"]
    assert json.loads(r.hget(keys.MODERATION_LABELS, ids[0]))["label"] == "spam"
    notice = signed_in.get("/moderate?tab=spam").get_data(as_text=True)
    assert "2 comments marked as spam." in notice and "1 could not be decided" in notice

    answer = signed_in.post(
        "/moderate/decide",
        data={"decide": f"reject:{ids[2]}", "csrf": csrf},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["decided"] == 1 and body["results"][0]["status"] == "rejected"
    assert not r.hexists(keys.MODERATION_LABELS, ids[2])  # reject is no spam judgement
    nothing = signed_in.post("/moderate/decide", data={"action": "approve", "csrf": csrf})
    assert nothing.status_code == 303 and r.hget(keys.comment(ids[2]), "status") == "rejected"


def test_pagination_follows_next_cursor(r, client, site, signed_in):
    ids = [held(r, client, site, n) for n in range(3)]
    first = signed_in.get("/moderate?limit=2").get_data(as_text=True)
    assert ids[0] in first and ids[1] in first and ids[2] not in first
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = signed_in.get(next_link).get_data(as_text=True)
    assert ids[2] in second and ids[0] not in second and 'rel="next"' not in second
    newest = signed_in.get("/moderate?sort=newest&limit=1").get_data(as_text=True)
    assert ids[2] in newest and ids[0] not in newest
    assert signed_in.get("/moderate?cursor=nan:x&sort=newest").status_code == 200


def test_logout_ends_the_session_server_side(r, client, site, signed_in):
    old = signed_in.get_cookie(sessions.COOKIE, path="/moderate").value
    response = signed_in.post("/moderate/logout", data={"csrf": page_csrf(signed_in)})
    assert response.status_code == 303 and "bye" in response.headers["Location"]
    assert signed_in.get_cookie(sessions.COOKIE, path="/moderate") is None
    signed_in.set_cookie(sessions.COOKIE, old, path="/moderate")
    assert signed_in.get("/moderate").status_code == 303
    assert not r.keys(keys.session("*"))


def test_revoked_token_ends_its_sessions(r, client, moderator, signed_in):
    tokens.revoke(r, moderator)
    assert signed_in.get("/moderate").status_code == 303


def test_italian_from_accept_language(r, client, site, signed_in):
    held(r, client, site)
    italian = signed_in.get("/moderate", headers={"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"})
    html = italian.get_data(as_text=True)
    assert '<html lang="it">' in html and "In attesa" in html and "Approva" in html
    assert italian.headers["Content-Language"] == "it"
    german = signed_in.get("/moderate", headers={"Accept-Language": "de-DE"})
    assert "Held" in german.get_data(as_text=True) and german.headers["Content-Language"] == "en"


def test_the_italian_page_shows_italian_reasons(r, client, site, signed_in):
    reasons = [
        {"code": "SPAM_SCORE", "detail": "score 0.55: phone number; 1 link"},
        {"code": "LINKS", "detail": "3 links (more than 2)"},
    ]
    held(r, client, site, reasons=reasons)
    italian = signed_in.get("/moderate", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "punteggio 0.55: numero di telefono; 1 link" in italian
    assert "3 link (più di 2)" in italian
    english = signed_in.get("/moderate", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "score 0.55: phone number; 1 link" in english and "3 links (more than 2)" in english


def test_highlight_segments_cover_the_text():
    text = "Vai su bit.ly/x, poi Gratis GRATIS e www.a.com/gratis!"
    reasons = [{"code": "BLOCKED_KEYWORD", "detail": '"gratis"'}]
    parts = highlight.segments(text, reasons)
    assert "".join(part for _, part in parts) == text
    assert [p for k, p in parts if k == "link"] == ["bit.ly/x", "www.a.com/gratis"]
    assert [p for k, p in parts if k == "keyword"] == ["Gratis", "GRATIS"]
    assert highlight.segments("", reasons) == [] and highlight.segments("ciao", []) == [
        ("", "ciao")
    ]


def test_a_stale_or_edited_link_still_opens_the_page():
    from werkzeug.datastructures import MultiDict

    from service.web.queue_page import Query

    odd = MultiDict(
        {"tab": "bogus", "sort": "random", "limit": "9999", "cursor": "x:", "author_of": "a" * 65}
    )
    assert Query.from_args(odd) == Query()
    fine = Query.from_args(MultiDict({"tab": "spam", "limit": "20", "cursor": "0.5:abc"}))
    assert fine == Query(tab="spam", sort="newest", cursor="0.5:abc", limit=20)


def test_a_form_that_our_page_would_not_send_is_refused(r, client, site, signed_in):
    comment_id = held(r, client, site)
    csrf = page_csrf(signed_in)
    for data in (
        {"action": "approve", "ids": ["x" * 65]},
        {"action": "publish", "ids": [comment_id]},
        {"decide": f"approve:{comment_id}", "note": "n" * 1001},
    ):
        response = signed_in.post(
            "/moderate/decide",
            data={**data, "csrf": csrf},
            headers={"Origin": "http://localhost", "Accept": "application/json"},
        )
        assert response.status_code == 422, data
    assert r.hget(keys.comment(comment_id), "status") == "held"
