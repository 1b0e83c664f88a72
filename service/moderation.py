"""Moderators' decisions and the review queue.

A decision moves a scored comment to approved, spam or rejected (corrections
of earlier verdicts included), records who did it in the audit trail, and
turns it into a training label in the same atomic step: approve -> ham,
spam -> spam, reject (off-topic, abusive: not a spam judgement) -> no label.
"""

import json
import math
from dataclasses import dataclass

import redis

from service import keys, sites, webhooks
from service.clock import now_ms
from service.comment_store import (
    MODEL_INPUT_FIELDS,
    CommentStore,
    moderator_view,
    public_view,
)
from service.transitions import Change, Transitions
from service.vocabulary import Reason, Status, reason

ACTIONS = {"approve": Status.APPROVED, "spam": Status.SPAM, "reject": Status.REJECTED}
LABELS = {"approve": "ham", "spam": "spam"}
SORTS = ("oldest", "newest", "score")


@dataclass(frozen=True)
class DecisionResult:
    id: str
    result: str  # ok, unchanged, not_found, not_scored
    previous: str | None = None
    status: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def decide(
    r: redis.Redis, ids: list[str], action: str, actor: str, note: str = ""
) -> list[DecisionResult]:
    """Apply one action to many comments; one result per id, in order."""
    to = ACTIONS[action]
    store = CommentStore(r)
    pipe = r.pipeline(transaction=False)
    for comment_id in ids:
        pipe.hgetall(keys.comment(comment_id))
    records = pipe.execute() if ids else []
    results: dict[int, DecisionResult] = {}
    changes, positions = [], []
    decided = now_ms()
    for position, (comment_id, record) in enumerate(zip(ids, records, strict=True)):
        if not record or len(comment_id) > 64:
            results[position] = DecisionResult(comment_id, "not_found")
        elif record["status"] == Status.PENDING:
            results[position] = DecisionResult(comment_id, "not_scored", "pending", "pending")
        else:
            changes.append(_change(r, record, to, action, actor, note, decided))
            positions.append(position)
    for position, outcome in zip(positions, Transitions(store.r).apply(changes), strict=True):
        comment_id = ids[position]
        if outcome.result == "MISSING":
            results[position] = DecisionResult(comment_id, "not_found")
        else:
            result = "unchanged" if outcome.result == "UNCHANGED" else "ok"
            results[position] = DecisionResult(comment_id, result, outcome.previous, str(to))
    return [results[i] for i in range(len(ids))]


def _change(r, record, to, action, actor, note, decided) -> Change:
    machine_reasons = [
        item for item in json.loads(record.get("reasons") or "[]") if item["code"] != "MODERATOR"
    ]
    detail = f"{action} by {actor}" + (f": {note}" if note else "")
    fields = {
        "decided_ms": decided,
        "decided_by": actor,
        "reasons": json.dumps([reason(Reason.MODERATOR, detail), *machine_reasons]),
    }
    after = {**record, **{k: str(v) for k, v in fields.items()}, "status": str(to)}
    event_id = on_approve = on_remove = ""
    if sites.settings(r, record["site"]).get("webhook_url"):
        kind = "comment.approved" if to == Status.APPROVED else "comment.removed"
        event_id, payload = webhooks.event(kind, record["site"], public_view(after))
        on_approve = on_remove = payload
    label = "-"
    if action in LABELS:
        label = json.dumps(
            {
                "comment_id": record["id"],
                "site": record["site"],
                "label": LABELS[action],
                "source": "moderator",
                "time": decided,
                "by": actor,
                "comment": {k: record.get(k, "") for k in MODEL_INPUT_FIELDS},
                "score": record.get("score"),
                "model_version": record.get("model_version"),
            },
            ensure_ascii=False,
        )
    return Change(
        record=record,
        to=str(to),
        fields=fields,
        audit={
            "who": actor,
            "when": decided,
            "from": record["status"],
            "to": str(to),
            "note": note,
        },
        event_id=event_id,
        on_approve=on_approve,
        on_remove=on_remove,
        label=label,
    )


def audit_trail(r: redis.Redis, comment_id: str) -> list[dict]:
    return [json.loads(item) for item in r.lrange(keys.audit(comment_id), 0, -1)]


class UnknownComment(LookupError):
    """`author_of` names no stored comment."""


def queue(
    r: redis.Redis,
    *,
    status: str = "held",
    site: str | None = None,
    thread: str | None = None,
    author_of: str | None = None,
    sort: str = "oldest",
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[dict], str | None]:
    """One page of the review queue, moderator views, and the next cursor.

    ``oldest`` pages by creation time ascending, ``newest`` descending;
    ``score`` by spam score, highest first. The cursor is "<score>:<id>" of the last item shown, so
    decisions taken meanwhile never make a page skip comments. ``author_of``
    keeps the comments of the author (same e-mail, same site) of that comment.
    """
    index = keys.by_status_score(status) if sort == "score" else keys.by_status(status)
    after_score, after_id = parse_cursor(cursor)
    store = CommentStore(r)
    if author_of:
        pages = _author_pages(r, store, author_of, index, sort, after_score)
    else:
        pages = _index_pages(r, index, sort, after_score, chunk=max(limit * 2, 50))
    items: list[dict] = []
    last = None
    for page in pages:
        page = [(m, s) for m, s in page if _after(sort, s, m, after_score, after_id)]
        pipe = r.pipeline(transaction=False)
        for member, _ in page:
            pipe.hgetall(keys.comment(member))
        for (member, score), record in zip(page, pipe.execute(), strict=True):
            if not record or record.get("status") != status:
                continue  # decided meanwhile
            if site and record["site"] != site:
                continue
            if thread and record["thread"] != thread:
                continue
            items.append(record)
            last = (score, member)
            if len(items) == limit:
                break
        if len(items) == limit:
            break
    pipe = r.pipeline(transaction=False)
    for record in items:
        pipe.hgetall(keys.author(record["site"], record["email_hash"]))
    views = [
        moderator_view(record, store.history_from(counts))
        for record, counts in zip(items, pipe.execute(), strict=True)
    ]
    next_cursor = f"{last[0]!r}:{last[1]}" if last and len(items) == limit else None
    return views, next_cursor


def _index_pages(r, index, sort, after_score, chunk):
    """(id, score) pages of a status index, in queue order, from the cursor on."""
    offset = 0
    while True:
        page = _range(r, index, sort, after_score, offset, chunk)
        if not page:
            return
        offset += len(page)
        yield page


def _author_pages(r, store: CommentStore, comment_id: str, index, sort, after_score):
    """The one page of (id, score) of the author of `comment_id` in a status
    index, in queue order from the cursor on: an author has few comments, the
    index may have many."""
    record = store.get(comment_id)
    if record is None:
        raise UnknownComment(comment_id)
    ids = sorted(r.smembers(keys.author_comments(record["site"], record["email_hash"])))
    pipe = r.pipeline(transaction=False)
    for member in ids:
        pipe.zscore(index, member)
    found = [(m, s) for m, s in zip(ids, pipe.execute(), strict=True) if s is not None]
    if after_score is not None:  # the bound `_range` puts on a status index
        ascending = _ascending(sort)
        found = [(m, s) for m, s in found if (s >= after_score if ascending else s <= after_score)]
    found.sort(key=lambda item: (item[1], item[0]), reverse=not _ascending(sort))
    yield found


def parse_cursor(cursor: str | None) -> tuple[float | None, str]:
    if not cursor:
        return None, ""
    score, _, member = cursor.partition(":")
    try:
        value = float(score)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not member:
        raise ValueError("cursor is not one this API gave out")
    return value, member


def _ascending(sort: str) -> bool:
    return sort == "oldest"


def _range(r, index, sort, after_score, offset, count):
    if _ascending(sort):
        low = "-inf" if after_score is None else after_score
        return r.zrangebyscore(index, low, "+inf", start=offset, num=count, withscores=True)
    high = "+inf" if after_score is None else after_score
    return r.zrevrangebyscore(index, high, "-inf", start=offset, num=count, withscores=True)


def _after(sort, score, member, after_score, after_id) -> bool:
    if after_score is None or score != after_score:
        return True
    return member > after_id if _ascending(sort) else member < after_id
