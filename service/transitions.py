"""Status changes of a comment, applied atomically and at most once.

One Lua script serves the worker's verdicts and the moderators' decisions: it
checks the current status, moves the comment between the status indexes and
the thread listing, updates the author's counters, queues the webhook event,
appends the audit entry and acknowledges the stream entry, all or nothing. A
redelivered stream entry finds the comment no longer ``pending`` and changes
nothing: no second verdict, no second publication.
"""

import json
from dataclasses import dataclass

import redis

from service import keys
from service.vocabulary import Status

_STATUSES = [str(s) for s in Status]

_TRANSITION = """
local comment, thread, threadver, author, webhooks, event_key, metrics, stream, audit, labels,
  label_seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9],
  KEYS[10], KEYS[11]
local n = tonumber(ARGV[1])
local statuses = cjson.decode(ARGV[2])
local expected, to = ARGV[3], ARGV[4]
local fields = cjson.decode(ARGV[5])
local entry, group = ARGV[6], ARGV[7]
local on_approve, on_remove, now_ms = ARGV[8], ARGV[9], ARGV[10]
local audit_entry, event_id, label = ARGV[11], ARGV[12], ARGV[13]
local function index(status, offset)
  for i, s in ipairs(statuses) do if s == status then return KEYS[11 + offset + i] end end
end
local function ack()
  if entry ~= '' then
    redis.call('XACK', stream, group, entry)
    redis.call('XDEL', stream, entry)
  end
end
local function record_decision(id)
  if audit_entry ~= '' then redis.call('RPUSH', audit, audit_entry) end
  if label == '-' then
    redis.call('HDEL', labels, id)
  elseif label ~= '' then
    redis.call('HSET', labels, id, label)
    redis.call('INCR', label_seq)
  end
end
local cur = redis.call('HMGET', comment, 'status', 'id', 'score')
local from = cur[1]
if not from then ack(); return {'MISSING', ''} end
if expected ~= '' and from ~= expected then ack(); return {'STALE', from} end
local id = cur[2]
local flat = {'status', to}
for k, v in pairs(fields) do flat[#flat + 1] = k; flat[#flat + 1] = v end
if from == to then
  -- A moderator confirming the verdict: still a decision and a label.
  if expected == '' then redis.call('HSET', comment, unpack(flat)); record_decision(id) end
  ack()
  return {'UNCHANGED', from}
end
redis.call('HSET', comment, unpack(flat))
local created = redis.call('HGET', comment, 'created_ms')
redis.call('ZREM', index(from, 0), id)
redis.call('ZREM', index(from, n), id)
redis.call('ZADD', index(to, 0), created, id)
local score = redis.call('HGET', comment, 'score')
if score and score ~= '' then redis.call('ZADD', index(to, n), score, id) end
local event = ''
if to == 'approved' then
  redis.call('ZADD', thread, 0, id)
  redis.call('INCR', threadver)
  event = on_approve
elseif from == 'approved' then
  redis.call('ZREM', thread, id)
  redis.call('INCR', threadver)
  event = on_remove
end
if from ~= 'pending' then redis.call('HINCRBY', author, from, -1) end
redis.call('HINCRBY', author, to, 1)
if event ~= '' then
  redis.call('HSET', event_key, 'body', event, 'created_ms', now_ms, 'attempts', 0)
  redis.call('ZADD', webhooks, now_ms, event_id)
end
record_decision(id)
redis.call('HINCRBY', metrics, 'decisions_' .. to, 1)
ack()
return {'OK', from}
"""


@dataclass(frozen=True)
class Change:
    """One requested status change of one comment."""

    record: dict  # the comment as read (site, thread, id, email_hash needed)
    to: str
    fields: dict  # extra hash fields to set (score, reasons, decided_ms, ...)
    audit: dict
    expected: str = ""  # "" = from any status; "pending" for the worker
    stream_entry: str = ""  # acknowledged with the change
    event_id: str = ""
    on_approve: str = ""  # webhook payloads (JSON) for the two transitions
    on_remove: str = ""
    label: str = ""  # training label JSON to store; "-" removes the comment's label


@dataclass(frozen=True)
class Outcome:
    result: str  # OK, STALE, UNCHANGED, MISSING
    previous: str


class Transitions:
    def __init__(self, r: redis.Redis):
        self.r = r
        self._script = r.register_script(_TRANSITION)

    def apply(self, changes: list[Change]) -> list[Outcome]:
        """Apply many changes in one round trip; each is atomic on its own."""
        if not changes:
            return []
        pipe = self.r.pipeline(transaction=False)
        for change in changes:
            self._queue(pipe, change)
        return [Outcome(*result) for result in pipe.execute()]

    def _queue(self, pipe, change: Change) -> None:
        record = change.record
        site, comment_id = record["site"], record["id"]
        status_keys = [keys.by_status(s) for s in _STATUSES]
        score_keys = [keys.by_status_score(s) for s in _STATUSES]
        event_key = keys.webhook_event(change.event_id or "none")
        self._script(
            keys=[
                keys.comment(comment_id),
                keys.thread(site, record["thread"]),
                keys.thread_version(site, record["thread"]),
                keys.author(site, record["email_hash"]),
                keys.WEBHOOK_QUEUE,
                event_key,
                keys.METRICS,
                keys.STREAM,
                keys.audit(comment_id),
                keys.MODERATION_LABELS,
                keys.LABELS_COUNTER,
                *status_keys,
                *score_keys,
            ],
            args=[
                len(_STATUSES),
                json.dumps(_STATUSES),
                change.expected,
                change.to,
                json.dumps({k: str(v) for k, v in change.fields.items()}),
                change.stream_entry,
                keys.STREAM_GROUP,
                change.on_approve,
                change.on_remove,
                change.fields.get("decided_ms", 0),
                json.dumps(change.audit),
                change.event_id,
                change.label,
            ],
            client=pipe,
        )
