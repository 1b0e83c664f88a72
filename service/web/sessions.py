"""Moderators' web sessions, kept server-side in Redis.

The browser holds only a random id in a cookie. Redis holds who signed in and
the session's CSRF token, under a digest of the id, so a Redis dump or MONITOR
never shows a usable cookie. A session ends after ``IDLE_SECONDS`` without use
(each use refreshes it), after ``MAX_AGE_SECONDS`` in any case, at logout, and
at the first request after its token is revoked.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from service import keys, tokens

COOKIE = "vaglio_session"
IDLE_SECONDS = 12 * 3600
MAX_AGE_SECONDS = 7 * 86400


@dataclass(frozen=True)
class WebSession:
    id: str
    actor: str
    csrf: str
    notice: str = ""  # one message for the next page view, e.g. "3 comments approved."


def _key(session_id: str) -> str:
    return keys.session(hashlib.sha256(session_id.encode()).hexdigest())


def create(r: redis.Redis, principal: tokens.Principal, token: str) -> WebSession:
    session = WebSession(secrets.token_urlsafe(32), principal.actor, secrets.token_urlsafe(32))
    key = _key(session.id)
    pipe = r.pipeline(transaction=True)
    pipe.hset(
        key,
        mapping={
            "actor": session.actor,
            "csrf": session.csrf,
            "token": tokens.digest(token),
            "created": int(time.time()),
        },
    )
    pipe.expire(key, IDLE_SECONDS)
    pipe.execute()
    return session


def load(r: redis.Redis, session_id: str | None) -> WebSession | None:
    """The live session with this id (refreshing its expiry), or None."""
    if not session_id or len(session_id) > 100:
        return None
    key = _key(session_id)
    pipe = r.pipeline(transaction=False)
    pipe.hgetall(key)
    pipe.expire(key, IDLE_SECONDS)
    record, _ = pipe.execute()
    if not record:
        return None
    too_old = int(record.get("created", 0)) + MAX_AGE_SECONDS < time.time()
    if too_old or not r.exists(keys.token(record.get("token", ""))):
        r.delete(key)
        return None
    return WebSession(session_id, record["actor"], record["csrf"], record.get("notice", ""))


def set_notice(r: redis.Redis, session: WebSession, notice: str) -> None:
    key = _key(session.id)
    pipe = r.pipeline(transaction=True)
    pipe.hset(key, "notice", notice)
    pipe.expire(key, IDLE_SECONDS)  # never leave a key without expiry behind
    pipe.execute()


def clear_notice(r: redis.Redis, session: WebSession) -> None:
    r.hdel(_key(session.id), "notice")


def delete(r: redis.Redis, session_id: str | None) -> None:
    if session_id and len(session_id) <= 100:
        r.delete(_key(session_id))
