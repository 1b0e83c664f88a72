"""Sites and their moderation policy settings."""

import json
import re
import time

import redis
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from service import keys, limits, privacy
from service.schemas import validate_email_address, validate_http_url, validate_ip

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
MODES = ("auto", "hold_all", "hold_first_comment")
CACHE_SECONDS = 2.0

DEFAULTS = {
    "mode": "auto",
    "approve_below": None,  # None: the model's own thresholds
    "spam_from": None,
    "max_links": 2,
    "moderation_keywords": [],
    "blocked_keywords": [],
    "blocked_email_hashes": [],
    "blocked_ip_hashes": [],
    "trust_approved_authors": True,
    "flood_seconds": limits.FLOOD_SECONDS_DEFAULT,
    "content_max": limits.CONTENT_MAX_DEFAULT,
    "webhook_url": None,
}


class SiteError(Exception):
    pass


_keyword = fields.String(validate=validate.Length(min=1, max=100))


class SiteSettingsUpdate(Schema):
    """What an operator may change; every field optional (a partial update).

    Blocked e-mails and IPs are taken in clear and stored only as keyed hashes.
    """

    class Meta:
        unknown = EXCLUDE

    mode = fields.String(validate=validate.OneOf(MODES))
    approve_below = fields.Float(allow_none=True, validate=validate.Range(0, 1))
    spam_from = fields.Float(allow_none=True, validate=validate.Range(0, 1))
    max_links = fields.Integer(validate=validate.Range(0, 1000))
    moderation_keywords = fields.List(_keyword, validate=validate.Length(max=1000))
    blocked_keywords = fields.List(_keyword, validate=validate.Length(max=1000))
    blocked_emails = fields.List(fields.String(validate=validate_email_address), load_only=True)
    blocked_ips = fields.List(fields.String(validate=validate_ip), load_only=True)
    trust_approved_authors = fields.Boolean()
    flood_seconds = fields.Integer(validate=validate.Range(0, 3600))
    content_max = fields.Integer(validate=validate.Range(1, limits.CONTENT_MAX_CEILING))
    webhook_url = fields.String(allow_none=True, validate=validate_http_url)

    @validates_schema
    def _thresholds_ordered(self, data, **kwargs):
        low, high = data.get("approve_below"), data.get("spam_from")
        if low is not None and high is not None and low > high:
            raise ValidationError("approve_below must not exceed spam_from.", "approve_below")


def validate_name(name: str) -> None:
    if not NAME_RE.match(name or ""):
        raise SiteError(
            "A site name is 1-63 characters: lower-case letters, digits, '.', '_' or '-'."
        )


def create(r: redis.Redis, name: str) -> None:
    validate_name(name)
    if not r.sadd(keys.SITES, name):
        raise SiteError(f"Site {name!r} already exists.")
    r.hset(keys.site(name), mapping={"created": str(int(time.time())), "settings": "{}"})


def exists(r: redis.Redis, name: str) -> bool:
    return bool(r.sismember(keys.SITES, name))


def names(r: redis.Redis) -> list[str]:
    return sorted(r.smembers(keys.SITES))


_cache: dict[str, tuple[float, dict]] = {}


def settings(r: redis.Redis, name: str, *, fresh: bool = False) -> dict:
    """The site's effective settings (defaults filled in); cached briefly."""
    now = time.monotonic()
    hit = _cache.get(name)
    if hit and hit[0] > now and not fresh:
        return hit[1]
    stored = r.hget(keys.site(name), "settings")
    if stored is None:
        raise SiteError(f"No site named {name!r}.")
    effective = {**DEFAULTS, **json.loads(stored)}
    _cache[name] = (now + CACHE_SECONDS, effective)
    return effective


def update(r: redis.Redis, name: str, changes: dict, secret: str) -> dict:
    """Validate and apply a partial update; returns the public view."""
    loaded = SiteSettingsUpdate().load(changes)
    if "blocked_emails" in loaded:
        loaded["blocked_email_hashes"] = sorted(
            {privacy.email_hash(secret, e) for e in loaded.pop("blocked_emails")}
        )
    if "blocked_ips" in loaded:
        loaded["blocked_ip_hashes"] = sorted(
            {privacy.ip_hash(secret, ip) for ip in loaded.pop("blocked_ips")}
        )
    current = settings(r, name, fresh=True)
    merged = {**current, **loaded}
    low, high = merged["approve_below"], merged["spam_from"]
    if low is not None and high is not None and low > high:
        raise ValidationError({"approve_below": ["approve_below must not exceed spam_from."]})
    stored = {k: v for k, v in merged.items() if DEFAULTS.get(k) != v}
    r.hset(keys.site(name), "settings", json.dumps(stored, sort_keys=True))
    _cache.pop(name, None)
    return public_view(merged)


def public_view(effective: dict) -> dict:
    view = {k: v for k, v in effective.items() if not k.endswith("_hashes")}
    view["blocked_emails_count"] = len(effective["blocked_email_hashes"])
    view["blocked_ips_count"] = len(effective["blocked_ip_hashes"])
    return view


def parse_assignments(pairs: list[str]) -> dict:
    """``KEY=VALUE`` words from the CLI into an update; lists comma-separated.

    JSON values are accepted too (``max_links=3``, ``approve_below=null``).
    """
    list_fields = {
        "moderation_keywords",
        "blocked_keywords",
        "blocked_emails",
        "blocked_ips",
    }
    known = SiteSettingsUpdate().fields
    changes: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SiteError("Expected KEY=VALUE words; one has no '='.")
        if key not in known:
            # The schema ignores unknown fields; on the command line one is a typo.
            raise SiteError(f"Unknown setting {key!r}; known: {', '.join(sorted(known))}.")
        if key in list_fields:
            changes[key] = [item.strip() for item in value.split(",") if item.strip()]
        else:
            try:
                changes[key] = json.loads(value)
            except json.JSONDecodeError:
                changes[key] = value
    return changes
