"""Erasure: an author's comments and what Vaglio keeps about them, removed.

A reader may ask a site to erase what they wrote (GDPR, art. 17). The site's
operator erases by e-mail address: every comment posted with it (on one site
or all), in any status, goes with its audit trail, its training label, its
place in the thread listing and the review queues, and the author's counters.
An approved comment also queues a `comment.removed` webhook, so the site takes
it off its pages; that event carries the comment's id and thread, not its
text or author.

Comments are found as `service.author_comments` finds them.

Also gone: the comment's duplicate guard (so the author may post it again).
Kept: blocking by the e-mail's keyed hash (an operator's decision about an
address, not the address itself), models already trained (they hold hashed
n-gram weights, not texts), and the flood guards, which expire within seconds.

Each comment is removed by one Lua script, atomically; a comment being scored
meanwhile is acknowledged by the worker as vanished, never recreated.
"""

from dataclasses import dataclass, field

import redis

from service import author_comments, keys, privacy, sites, webhooks
from service.clock import now_ms
from service.ingest import duplicate_fingerprint
from service.vocabulary import Status

_STATUSES = [str(s) for s in Status]

_ERASE = """
local comment, index, author, thread, threadver, labels, audit, webhooks, event_key, metrics,
  dup = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9],
  KEYS[10], KEYS[11]
local email_hash, event, now_ms, event_id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cur = redis.call('HMGET', comment, 'status', 'id', 'email_hash')
local status, id = cur[1], cur[2]
if not status or cur[3] ~= email_hash then return '' end
redis.call('SREM', index, id)
for i = 12, #KEYS do redis.call('ZREM', KEYS[i], id) end
if status == 'approved' then
  redis.call('ZREM', thread, id)
  redis.call('INCR', threadver)
  if event ~= '' then
    redis.call('HSET', event_key, 'body', event, 'created_ms', now_ms, 'attempts', 0)
    redis.call('ZADD', webhooks, now_ms, event_id)
  end
end
-- the author's counters: decided comments by status (transitions, honeypot at ingest)
if tonumber(redis.call('HGET', author, status) or '0') > 0 then
  redis.call('HINCRBY', author, status, -1)
end
local left = 0
for _, n in ipairs(redis.call('HVALS', author)) do left = left + math.abs(tonumber(n)) end
if left == 0 then redis.call('DEL', author) end
if redis.call('GET', dup) == id then redis.call('DEL', dup) end
redis.call('HDEL', labels, id)
redis.call('DEL', audit, comment)
redis.call('HINCRBY', metrics, 'comments_erased', 1)
return status
"""


@dataclass
class ErasureResult:
    erased: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    sites: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"erased": self.erased, "by_status": self.by_status, "sites": self.sites}


def erase_author(
    r: redis.Redis, secret: str, email: str, *, site: str | None = None, scan: bool = False
) -> ErasureResult:
    """Erase every comment posted with `email` (on `site`, or on every site)."""
    email_hash = privacy.email_hash(secret, email)
    found = author_comments.find(r, email_hash, site=site, scan=scan)
    script = r.register_script(_ERASE)
    result = ErasureResult(by_status={status: 0 for status in _STATUSES})
    for name, ids in found.items():
        erased = _erase_site(r, script, name, email_hash, sorted(ids)) if ids else []
        for status in erased:
            result.by_status[status] += 1
        if erased:
            result.sites.append(name)
            result.erased += len(erased)
    return result


def _erase_site(r, script, site: str, email_hash: str, ids: list[str]) -> list[str]:
    pipe = r.pipeline(transaction=False)
    for comment_id in ids:
        pipe.hmget(keys.comment(comment_id), "thread", "parent", "content")
    places = pipe.execute()
    webhook = bool(sites.settings(r, site).get("webhook_url"))
    now = now_ms()
    pipe = r.pipeline(transaction=False)
    for comment_id, (thread, parent, content) in zip(ids, places, strict=True):
        said = {"thread": thread or "", "email_hash": email_hash, "content": content or ""}
        event_id, event = "", ""
        if webhook and thread is not None:
            # what the site needs to take the comment down, nothing it said
            view = {"id": comment_id, "thread": thread, "parent": parent or None, "erased": True}
            event_id, event = webhooks.event("comment.removed", site, view)
        script(
            keys=[
                keys.comment(comment_id),
                keys.author_comments(site, email_hash),
                keys.author(site, email_hash),
                keys.thread(site, thread or ""),
                keys.thread_version(site, thread or ""),
                keys.MODERATION_LABELS,
                keys.audit(comment_id),
                keys.WEBHOOK_QUEUE,
                keys.webhook_event(event_id or "none"),
                keys.METRICS,
                keys.duplicate(site, duplicate_fingerprint(said)),
                *(keys.by_status(s) for s in _STATUSES),
                *(keys.by_status_score(s) for s in _STATUSES),
            ],
            args=[email_hash, event, now, event_id],
            client=pipe,
        )
    return [status for status in pipe.execute() if status]


def describe(result: ErasureResult) -> str:
    """One line for the command line."""
    statuses = ", ".join(f"{n} {status}" for status, n in result.by_status.items() if n)
    where = ", ".join(result.sites) or "no site"
    return f"Erased {result.erased} comment(s) ({statuses or 'none found'}) on {where}."
