"""Routes of the moderators' web page: the queue, sign-in and -out, decisions.

Plain HTML forms do everything (the page works without JavaScript); the
script only sends the same form posts with ``Accept: application/json`` and
updates the page in place. Every POST must come from this host and carry the
session's CSRF token.
"""

import functools
import secrets
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, g, make_response, redirect, render_template, request, url_for

from service import moderation, tokens
from service.comment_store import CommentStore
from service.redis_conn import get_redis
from service.vocabulary import Role
from service.web import forms, i18n, queue_page, security, sessions

bp = Blueprint("web", __name__, url_prefix="/moderate")

LOGIN_COOKIE = "vaglio_login"  # CSRF nonce of the sign-in form (there is no session yet)


class Refused(Exception):
    """A POST from another site, or without the right CSRF token: nothing changes."""


@bp.before_request
def prepare():
    g.t = i18n.Translator(i18n.pick(request.accept_languages))
    if request.method == "POST" and not security.same_origin(request):
        raise Refused


@bp.after_request
def harden(response):
    if "t" in g:
        response.headers["Content-Language"] = g.t.lang
    return security.add_headers(response)


@bp.after_app_request
def static_nosniff(response):
    # The page's script and stylesheet are served by Flask's static route.
    if request.endpoint == "static":
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.errorhandler(Refused)
def refused(_error):
    if wants_json():
        return {"error": "refused", "detail": g.t("error.csrf")}, 403
    return render("moderate/error.html", message=g.t("error.csrf")), 403


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render(template: str, **context) -> str:
    return render_template(template, t=g.t, **context)


def signed_in(view):
    """The view needs a live web session (``g.web_session``); POSTs its CSRF token too."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        cookie = request.cookies.get(sessions.COOKIE)
        session = sessions.load(get_redis(), cookie)
        if session is None:
            if wants_json():
                return {"error": "signed_out", "detail": g.t("login.expired")}, 401
            return redirect(url_for(".login", expired=1 if cookie else None), 303)
        if request.method == "POST" and not security.csrf_ok(
            session.csrf, request.form.get("csrf")
        ):
            raise Refused
        g.web_session = session
        return view(*args, **kwargs)

    return wrapper


def _cookie_options() -> dict:
    return {"httponly": True, "samesite": "Strict", "secure": request.is_secure}


@bp.get("")
@signed_in
def page():
    r = get_redis()
    session = g.web_session
    query = queue_page.Query.from_args(request.args)
    filtered = CommentStore(r).get(query.author_of) if query.author_of else None
    if filtered is None:  # no filter, or its comment is gone (erased): everyone
        query = replace(query, author_of=None)
    cards, next_cursor = queue_page.load(r, query, g.t.lang)
    if session.notice:
        sessions.clear_notice(r, session)
    return render(
        "moderate/queue.html",
        query=query,
        author_filter=filtered and filtered["author"],
        cards=cards,
        next_cursor=next_cursor,
        counts=queue_page.counts(r),
        L=queue_page.card_labels(g.t),
        notice=session.notice,
        csrf=session.csrf,
        actor=session.actor,
        now=datetime.now(UTC),
        tabs=queue_page.TABS,
        sorts=queue_page.SORTS,
    )


@bp.post("/decide")
@signed_in
def decide():
    query = queue_page.Query.from_args(request.form)
    t = g.t
    form = forms.load(forms.DecisionForm(), request.form)
    if form is None:
        return _after_decision(query, t("notice.failed"), [], 422)
    action, _, one_id = form.get("decide", "").partition(":")
    if one_id:  # a card's own button
        ids = [one_id]
    else:  # the bulk bar: the ticked boxes
        action, ids = form.get("action", ""), form.get("ids", [])
    ids = list(dict.fromkeys(ids))
    if action not in moderation.ACTIONS or not ids:
        notice = t("notice.nothing_selected") if ids == [] else t("notice.failed")
        return _after_decision(query, notice, [], 422)
    results = moderation.decide(get_redis(), ids, action, g.web_session.actor, form.get("note", ""))
    done = sum(result.result in ("ok", "unchanged") for result in results)
    notice = t.plural(f"notice.done.{action}", done)
    if done < len(results):
        notice += " " + t("notice.skipped", n=len(results) - done)
    return _after_decision(query, notice, results, 200)


def _after_decision(query, notice: str, results: list, status: int):
    if wants_json():
        decided = sum(result.result in ("ok", "unchanged") for result in results)
        body = {"results": [result.as_dict() for result in results], "decided": decided}
        return {**body, "notice": notice}, status
    sessions.set_notice(get_redis(), g.web_session, notice)
    return redirect(page_url(query), 303)


def page_url(query: queue_page.Query, **changes) -> str:
    """The page's URL for a query, leaving defaults out."""
    values = {
        "tab": query.tab if query.tab != "held" else None,
        "sort": query.sort if query.sort != queue_page.DEFAULT_SORT[query.tab] else None,
        "cursor": query.cursor,
        "limit": query.limit if query.limit != queue_page.PAGE_SIZE else None,
        "author_of": query.author_of,
    }
    values.update(changes)
    return url_for(".page", **{k: v for k, v in values.items() if v is not None})


@bp.app_template_global()
def queue_url(query, **changes) -> str:
    return page_url(query, **changes)


@bp.get("/login")
def login():
    if sessions.load(get_redis(), request.cookies.get(sessions.COOKIE)):
        return redirect(url_for(".page"), 303)
    info = g.t("login.bye") if "bye" in request.args else None
    if "expired" in request.args:
        info = g.t("login.expired")
    return _login_form(200, info=info)


def _login_form(status: int, error: str | None = None, info: str | None = None):
    nonce = secrets.token_urlsafe(32)
    body = render("moderate/login.html", csrf=nonce, error=error, info=info)
    response = make_response(body, status)
    response.set_cookie(LOGIN_COOKIE, nonce, path=url_for(".login"), **_cookie_options())
    return response


@bp.post("/login")
def login_submit():
    if not security.csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), request.form.get("csrf")):
        raise Refused
    r = get_redis()
    form = forms.load(forms.LoginForm(), request.form)
    token = form["token"].strip() if form else ""
    principal = tokens.lookup(r, token)
    if principal is None:
        return _login_form(401, error=g.t("login.unknown"))
    if not principal.can(Role.MODERATOR):
        return _login_form(403, error=g.t("login.wrong_role"))
    sessions.delete(r, request.cookies.get(sessions.COOKIE))  # never reuse an id (fixation)
    session = sessions.create(r, principal, token)
    response = redirect(url_for(".page"), 303)
    response.set_cookie(sessions.COOKIE, session.id, path=url_for(".page"), **_cookie_options())
    response.delete_cookie(LOGIN_COOKIE, path=url_for(".login"), **_cookie_options())
    return response


@bp.post("/logout")
@signed_in
def logout():
    sessions.delete(get_redis(), g.web_session.id)
    response = redirect(url_for(".login", bye=1), 303)
    response.delete_cookie(sessions.COOKIE, path=url_for(".page"), **_cookie_options())
    return response
