"""Statuses, reason codes and roles of the public contract (design.md)."""

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    HELD = "held"
    SPAM = "spam"
    REJECTED = "rejected"


FINAL_STATUSES = frozenset({Status.APPROVED, Status.HELD, Status.SPAM, Status.REJECTED})


class Reason(StrEnum):
    SPAM_SCORE = "SPAM_SCORE"
    LINKS = "LINKS"
    MODERATION_KEYWORD = "MODERATION_KEYWORD"
    BLOCKED_KEYWORD = "BLOCKED_KEYWORD"
    BLOCKED_AUTHOR = "BLOCKED_AUTHOR"
    HONEYPOT = "HONEYPOT"
    FIRST_COMMENT = "FIRST_COMMENT"
    TRUSTED_AUTHOR = "TRUSTED_AUTHOR"
    MANUAL_MODE = "MANUAL_MODE"
    SCORING_FAILED = "SCORING_FAILED"
    MODERATOR = "MODERATOR"


class Role(StrEnum):
    SITE = "site"
    MODERATOR = "moderator"
    OPERATOR = "operator"


# Which roles may act as which: an operator can do all a moderator can.
ROLE_IMPLIES = {
    Role.SITE: {Role.SITE},
    Role.MODERATOR: {Role.MODERATOR},
    Role.OPERATOR: {Role.OPERATOR, Role.MODERATOR},
}


def reason(code: Reason, detail: str = "") -> dict:
    return {"code": str(code), "detail": detail}
