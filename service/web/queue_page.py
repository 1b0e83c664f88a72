"""What the queue page shows: the tabs, their counts, one page of cards.

Held comments come oldest first by default (a queue is worked in order), the
other tabs newest first: the moderator looks there for recent mistakes to fix.
"""

import math
from dataclasses import dataclass

import redis

from service import keys, moderation
from service.comment_store import CommentStore, moderator_view
from service.vocabulary import Reason
from service.web import highlight

TABS = ("held", "spam", "approved", "rejected")
SORTS = ("oldest", "newest", "score")
DEFAULT_SORT = {"held": "oldest", "spam": "newest", "approved": "newest", "rejected": "newest"}
PAGE_SIZE, PAGE_SIZE_MAX = 50, 200
SCORE_BUCKETS = 20  # the bar's width moves in 5 % steps (a CSS class each: no inline style)


@dataclass(frozen=True)
class Query:
    tab: str = "held"
    sort: str = "oldest"
    cursor: str | None = None
    limit: int = PAGE_SIZE

    @classmethod
    def from_args(cls, args) -> "Query":
        """Lenient: a bad value falls back to its default (a page, not an API)."""
        tab = args.get("tab") if args.get("tab") in TABS else "held"
        sort = args.get("sort") if args.get("sort") in SORTS else DEFAULT_SORT[tab]
        try:
            limit = min(max(int(args.get("limit", PAGE_SIZE)), 1), PAGE_SIZE_MAX)
        except ValueError:
            limit = PAGE_SIZE
        cursor = args.get("cursor") or None
        return cls(tab, sort, cursor if _valid_cursor(cursor) else None, limit)


def counts(r: redis.Redis) -> dict[str, int]:
    pipe = r.pipeline(transaction=False)
    for tab in TABS:
        pipe.zcard(keys.by_status(tab))
    return dict(zip(TABS, pipe.execute(), strict=True))


def load(r: redis.Redis, query: Query) -> tuple[list[dict], str | None]:
    """One page of cards and the cursor of the next page (None: last page)."""
    try:
        if query.sort == "newest":
            views, next_cursor = newest(r, query.tab, query.cursor, query.limit)
        else:
            views, next_cursor = moderation.queue(
                r, status=query.tab, sort=query.sort, cursor=query.cursor, limit=query.limit
            )
    except ValueError:  # a cursor from another sort order or a mangled link: start over
        return load(r, Query(query.tab, query.sort, None, query.limit))
    return [card(view) for view in views], next_cursor


def card(view: dict) -> dict:
    score = view["score"]
    history = view["author_history"]
    return {
        **view,
        "segments": highlight.segments(view["content"] or "", view["reasons"]),
        "score_bucket": None if score is None else round(score * SCORE_BUCKETS),
        "score_level": None if score is None else _level(score),
        "score_text": None if score is None else f"{score:.2f}",
        "first_comment": sum(history.values()) <= 1,  # the counts include this comment
    }


def card_labels(t) -> dict:
    """The strings every card repeats, translated once per page."""
    labels = {name: t(f"card.{name}") for name in _CARD_LABELS}
    labels["status"] = {status: t(f"card.history.{status}") for status in TABS}
    labels["action"] = {action: t(f"action.{action}") for action in moderation.ACTIONS}
    labels["reason"] = {code: t(f"reason.{code}") for code in map(str, Reason)}
    return labels


_CARD_LABELS = ("select", "history", "first_comment", "thread", "reply", "reasons", "website")
_CARD_LABELS += ("score", "no_score")


def _level(score: float) -> str:
    return "high" if score >= 0.7 else "mid" if score >= 0.3 else "low"


def newest(r: redis.Redis, status: str, cursor: str | None, limit: int):
    """Newest first by creation time, with the cursor format moderation.queue uses."""
    after_score, after_id = _parse_cursor(cursor)
    index = keys.by_status(status)
    high = "+inf" if after_score is None else after_score
    members: list[tuple[str, float]] = []
    offset = 0
    while len(members) < limit:
        page = r.zrevrangebyscore(index, high, "-inf", start=offset, num=limit, withscores=True)
        if not page:
            break
        offset += len(page)
        for member, score in page:
            if after_score is not None and score == after_score and member >= after_id:
                continue  # shown on an earlier page (ties run in descending id order)
            members.append((member, score))
            if len(members) == limit:
                break
    pipe = r.pipeline(transaction=False)
    for member, _ in members:
        pipe.hgetall(keys.comment(member))
    records = [record for record in pipe.execute() if record.get("status") == status]
    pipe = r.pipeline(transaction=False)
    for record in records:
        pipe.hgetall(keys.author(record["site"], record["email_hash"]))
    views = [
        moderator_view(record, CommentStore.history_from(author))
        for record, author in zip(records, pipe.execute(), strict=True)
    ]
    last = members[-1] if members else None
    next_cursor = f"{last[1]!r}:{last[0]}" if last and len(members) == limit else None
    return views, next_cursor


def _valid_cursor(cursor: str | None) -> bool:
    if not cursor or len(cursor) > 200:
        return False
    try:
        return math.isfinite(_parse_cursor(cursor)[0])
    except ValueError:
        return False


def _parse_cursor(cursor: str | None) -> tuple[float | None, str]:
    if not cursor:
        return None, ""
    score, _, member = cursor.partition(":")
    return float(score), member  # ValueError for a mangled cursor: load() starts over
