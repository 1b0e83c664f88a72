"""Bearer-token authentication and role checks for the JSON API."""

import functools
import time

from flask import g, request

from service import tokens
from service.problems import Forbidden, Unauthorized
from service.redis_conn import get_redis
from service.vocabulary import Role

# Token lookups are cached briefly per process: a revoked token stops working
# within this many seconds, and the hot path saves a Redis round trip.
CACHE_SECONDS = 2.0
_cache: dict[str, tuple[float, tokens.Principal | None]] = {}


def current_principal() -> tokens.Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="vaglio"'},
        )
    token = token.strip()
    now = time.monotonic()
    hit = _cache.get(token)
    if hit and hit[0] > now:
        principal = hit[1]
    else:
        principal = tokens.lookup(get_redis(), token)
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[token] = (now + CACHE_SECONDS, principal)
    if principal is None:
        raise Unauthorized(
            "Unknown token.", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    return principal


def require(role: Role):
    """Decorator: the request must carry a token whose role covers ``role``."""
    return _requiring((role,), f"This needs the {role} role.")


def require_any(*roles: Role):
    """Decorator: any of ``roles`` will do (e.g. a site reading its own comment)."""
    return _requiring(roles, "This token's role may not do this.")


def _requiring(roles: tuple[Role, ...], refusal: str):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if not any(principal.can(role) for role in roles):
                raise Forbidden(refusal)
            g.principal = principal
            return view(*args, **kwargs)

        return wrapper

    return decorate
