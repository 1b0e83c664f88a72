"""Comment records in Redis: the ingest transaction and the read side."""

import json
import weakref
from dataclasses import dataclass
from itertools import chain

import redis
from redis.commands.core import Script

from service import keys, limits
from service.clock import iso
from service.vocabulary import Status

# Atomic ingest: idempotency, parent, duplicate and flood checks, then the
# record, its stream entry and the guard keys, all or nothing. A Lua script is
# one transaction, and one round trip on the hot path. The record's fields come
# as name/value pairs after the fixed arguments: no JSON for Redis to decode.
_FIELDS_FROM = 12  # ARGV index of the record's first field name
_INGEST = """
local comment, stream, dup, flood_ip, flood_author, idem, parent, metrics, spam_index,
  by_author, author = unpack(KEYS)
local id, site, thread, parent_id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local has_ip = ARGV[5] == '1'
local flood_ms = tonumber(ARGV[6])
local idem_value = ARGV[7]
local honeypot = ARGV[8] == '1'
local created_ms = tonumber(ARGV[9])
if idem_value ~= '' then
  local previous = redis.call('GET', idem)
  if previous then return {'IDEMPOTENT', previous} end
end
if parent_id ~= '' then
  local p = redis.call('HMGET', parent, 'site', 'thread', 'status')
  if p[1] ~= site or p[2] ~= thread then return {'PARENT_UNKNOWN'} end
  if p[3] ~= 'approved' then return {'PARENT_NOT_APPROVED'} end
end
local existing = redis.call('GET', dup)
if existing then return {'DUPLICATE', existing} end
if flood_ms > 0 then
  for _, key in ipairs({flood_ip, flood_author}) do
    local ttl = redis.call('PTTL', key)
    if ttl > 0 then return {'FLOOD', tostring(ttl)} end
  end
end
redis.call('HSET', comment, unpack(ARGV, FIELDS_FROM))
redis.call('SADD', by_author, id)
if honeypot then
  redis.call('ZADD', spam_index, created_ms, id)
  redis.call('HINCRBY', author, 'spam', 1)
else
  redis.call('XADD', stream, '*', 'id', id)
end
redis.call('SET', dup, id, 'EX', ARGV[10])
if flood_ms > 0 then
  redis.call('SET', flood_author, '1', 'PX', flood_ms)
  if has_ip then redis.call('SET', flood_ip, '1', 'PX', flood_ms) end
end
if idem_value ~= '' then redis.call('SET', idem, idem_value, 'EX', ARGV[11]) end
redis.call('HINCRBY', metrics, 'comments_accepted', 1)
return {'OK'}
""".replace("FIELDS_FROM", str(_FIELDS_FROM))


# The ingest script registered once per client: registering hashes the script,
# and the API builds a CommentStore for every request.
_scripts: "weakref.WeakKeyDictionary[redis.Redis, Script]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # OK, IDEMPOTENT, DUPLICATE, FLOOD, PARENT_UNKNOWN, PARENT_NOT_APPROVED
    value: str | None = None


class CommentStore:
    def __init__(self, r: redis.Redis):
        self.r = r
        self._ingest = _scripts.get(r)
        if self._ingest is None:
            self._ingest = _scripts[r] = r.register_script(_INGEST)

    def ingest(
        self,
        record: dict,
        *,
        duplicate_fp: str,
        flood_seconds: int,
        idempotency_key: str | None,
        idempotency_value: str,
        honeypot: bool,
    ) -> IngestResult:
        site = record["site"]
        ip_hash = record.get("ip_hash", "none")
        keys_ = [
            keys.comment(record["id"]),
            keys.STREAM,
            keys.duplicate(site, duplicate_fp),
            keys.flood(site, "ip", ip_hash),
            keys.flood(site, "author", record["email_hash"]),
            keys.idempotency(site, idempotency_key or "none"),
            keys.comment(record.get("parent") or "none"),
            keys.METRICS,
            keys.by_status(Status.SPAM),
            keys.author_comments(site, record["email_hash"]),
            keys.author(site, record["email_hash"]),
        ]
        args = [
            record["id"],
            site,
            record["thread"],
            record.get("parent") or "",
            "1" if "ip_hash" in record else "0",
            flood_seconds * 1000,
            idempotency_value if idempotency_key else "",
            "1" if honeypot else "0",
            record["created_ms"],
            limits.DUPLICATE_WINDOW_SECONDS,
            limits.IDEMPOTENCY_TTL_SECONDS,
        ]
        assert len(args) == _FIELDS_FROM - 1
        args.extend(chain.from_iterable(record.items()))
        outcome, *rest = self._ingest(keys=keys_, args=args)
        return IngestResult(outcome, rest[0] if rest else None)

    def get(self, comment_id: str) -> dict | None:
        if not comment_id or len(comment_id) > 64:
            return None
        record = self.r.hgetall(keys.comment(comment_id))
        return record or None

    def author_history(self, site: str, email_hash: str) -> dict:
        return self.history_from(self.r.hgetall(keys.author(site, email_hash)))

    @staticmethod
    def history_from(counts: dict) -> dict:
        """Comments of one author on one site, by their current status."""
        statuses = ("approved", "held", "spam", "rejected")
        return {status: int(counts.get(status, 0)) for status in statuses}


# What the classifier sees of a comment (and what a training label keeps).
MODEL_INPUT_FIELDS = ("content", "author", "url", "user_agent", "referrer", "permalink", "lang")

PUBLIC_FIELDS = ("id", "site", "thread", "parent", "author", "url", "content", "status")


def public_view(record: dict) -> dict:
    """A comment as the API returns it: never the e-mail, never the IP."""
    view = {name: record.get(name) or None for name in PUBLIC_FIELDS}
    view["created_at"] = iso(int(record["created_ms"]))
    view["decided_at"] = iso(int(record["decided_ms"])) if record.get("decided_ms") else None
    view["score"] = float(record["score"]) if record.get("score") else None
    view["reasons"] = json.loads(record.get("reasons") or "[]")
    view["model_version"] = record.get("model_version") or None
    return view


def moderator_view(record: dict, history: dict) -> dict:
    view = public_view(record)
    view["email_masked"] = record.get("email_masked")
    view["author_history"] = history
    return view
