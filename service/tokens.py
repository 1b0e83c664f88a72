"""API tokens: random secrets shown once, stored only as SHA-256 digests."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import redis

from service import keys
from service.vocabulary import ROLE_IMPLIES, Role

TOKEN_PREFIX = "vg_"  # noqa: S105 (a prefix, not a secret)


@dataclass(frozen=True)
class Principal:
    role: Role
    site: str | None
    token_id: str  # first characters of the digest: names the token in audit trails

    def can(self, role: Role) -> bool:
        return role in ROLE_IMPLIES[self.role]

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.token_id}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(r: redis.Redis, role: Role, site: str | None = None) -> str:
    if (role is Role.SITE) != (site is not None):
        raise ValueError("a site token needs a site; other roles must not have one")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    mapping = {"role": str(role), "created": str(int(time.time()))}
    if site:
        mapping["site"] = site
    r.hset(keys.token(digest(token)), mapping=mapping)
    return token


def lookup(r: redis.Redis, token: str) -> Principal | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    token_digest = digest(token)
    record = r.hgetall(keys.token(token_digest))
    if not record:
        return None
    # The key lookup already matched; compare again in constant time so the
    # decision never depends on a short-circuiting string comparison.
    if not hmac.compare_digest(token_digest, digest(token)):
        return None
    return Principal(Role(record["role"]), record.get("site"), token_digest[:12])


def revoke(r: redis.Redis, token: str) -> bool:
    return bool(r.delete(keys.token(digest(token))))
