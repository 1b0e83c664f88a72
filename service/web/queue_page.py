"""What the queue page shows: the tabs, their counts, one page of cards.

Held comments come oldest first by default (a queue is worked in order), the
other tabs newest first: the moderator looks there for recent mistakes to fix.
"""

from dataclasses import dataclass, replace

import redis
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from service import keys, moderation
from service.vocabulary import Reason
from service.web import highlight, reason_text
from service.web.i18n import DEFAULT

TABS = ("held", "spam", "approved", "rejected")
SORTS = ("oldest", "newest", "score")
DEFAULT_SORT = {"held": "oldest", "spam": "newest", "approved": "newest", "rejected": "newest"}
PAGE_SIZE, PAGE_SIZE_MAX = 50, 200
SCORE_BUCKETS = 20  # the bar's width moves in 5 % steps (a CSS class each: no inline style)


def _cursor_we_gave(cursor: str) -> None:
    try:
        moderation.parse_cursor(cursor)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class PageQuery(Schema):
    """What the page's links carry."""

    class Meta:
        unknown = EXCLUDE

    tab = fields.String(validate=validate.OneOf(TABS))
    sort = fields.String(validate=validate.OneOf(SORTS))
    cursor = fields.String(validate=[validate.Length(min=1, max=200), _cursor_we_gave])
    limit = fields.Integer(validate=validate.Range(1, PAGE_SIZE_MAX))
    author_of = fields.String(validate=validate.Length(min=1, max=64))  # a comment id


@dataclass(frozen=True)
class Query:
    tab: str = "held"
    sort: str = "oldest"
    cursor: str | None = None
    limit: int = PAGE_SIZE
    author_of: str | None = None  # only the comments of this comment's author

    @classmethod
    def from_args(cls, args) -> "Query":
        """Lenient: a value that does not validate is left out and its default
        used (a stale or hand-edited link still opens the page)."""
        schema = PageQuery()
        given = {name: args.get(name) for name in schema.fields if args.get(name)}
        errors = schema.validate(given)
        values = schema.load({k: v for k, v in given.items() if k not in errors})
        tab = values.get("tab", "held")
        return cls(
            tab,
            values.get("sort", DEFAULT_SORT[tab]),
            values.get("cursor"),
            values.get("limit", PAGE_SIZE),
            values.get("author_of"),
        )


def counts(r: redis.Redis) -> dict[str, int]:
    pipe = r.pipeline(transaction=False)
    for tab in TABS:
        pipe.zcard(keys.by_status(tab))
    return dict(zip(TABS, pipe.execute(), strict=True))


def load(r: redis.Redis, query: Query, lang: str = DEFAULT) -> tuple[list[dict], str | None]:
    """One page of cards, reasons in `lang`, and the cursor of the next page
    (None: last page)."""
    try:
        views, next_cursor = moderation.queue(
            r,
            status=query.tab,
            sort=query.sort,
            cursor=query.cursor,
            limit=query.limit,
            author_of=query.author_of,
        )
    except ValueError:  # a cursor from another sort order or a mangled link: start over
        return load(r, replace(query, cursor=None), lang)
    except moderation.UnknownComment:  # erased meanwhile, or a mangled link: everyone
        return load(r, replace(query, cursor=None, author_of=None), lang)
    return [card(view, lang) for view in views], next_cursor


def card(view: dict, lang: str = DEFAULT) -> dict:
    score = view["score"]
    history = view["author_history"]
    return {
        **view,
        "reasons_shown": [
            {"code": item["code"], "detail": reason_text.localise(item["detail"], lang)}
            for item in view["reasons"]
        ],
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
_CARD_LABELS += ("score", "no_score", "by_author")


def _level(score: float) -> str:
    return "high" if score >= 0.7 else "mid" if score >= 0.3 else "low"
