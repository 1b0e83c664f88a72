"""A site's moderation policy: from a score and the comment to a verdict.

Pure logic, no I/O: the worker hands it everything. Every rule that applies adds
a reason; the status is the most severe one (spam over held over approved), so
a verdict always lists all the reasons that applied.
"""

from dataclasses import dataclass, field

from classifier.links import count_disguised_links, find_links
from service import keywords
from service.vocabulary import Reason, Status, reason


@dataclass(frozen=True)
class Assessment:
    """What the model said about one comment (probability None: scoring failed)."""

    probability: float | None
    explanations: list[str] = field(default_factory=list)
    model_version: str | None = None


@dataclass(frozen=True)
class AuthorState:
    approved_before: int = 0
    blocked: bool = False
    blocked_by: str = ""  # "e-mail" or "IP"


@dataclass(frozen=True)
class Verdict:
    status: Status
    reasons: list[dict]


def thresholds(settings: dict, model_thresholds: tuple[float, float]) -> tuple[float, float]:
    approve_below, spam_from = model_thresholds
    if settings.get("approve_below") is not None:
        approve_below = settings["approve_below"]
    if settings.get("spam_from") is not None:
        spam_from = settings["spam_from"]
    return approve_below, spam_from


def count_links(content: str) -> int:
    return len(find_links(content)) + count_disguised_links(content)


def decide(
    record: dict,
    assessment: Assessment,
    settings: dict,
    author: AuthorState,
    model_thresholds: tuple[float, float],
) -> Verdict:
    spam, held, approved = [], [], []
    text = " ".join(record.get(name, "") for name in ("author", "content", "url"))

    if author.blocked:
        spam.append(reason(Reason.BLOCKED_AUTHOR, f"author blocked by {author.blocked_by}"))
    for word in keywords.matches(text, settings["blocked_keywords"]):
        spam.append(reason(Reason.BLOCKED_KEYWORD, f'"{word}"'))

    p = assessment.probability
    approve_below, spam_from = thresholds(settings, model_thresholds)
    trusted = settings["trust_approved_authors"] and author.approved_before > 0
    if p is None:
        held.append(reason(Reason.SCORING_FAILED, "the comment could not be scored"))
    else:
        detail = _score_detail(p, assessment.explanations)
        if p >= spam_from:
            spam.append(reason(Reason.SPAM_SCORE, detail))
        elif p >= approve_below and not trusted:
            held.append(reason(Reason.SPAM_SCORE, detail))
        else:
            approved.append(reason(Reason.SPAM_SCORE, detail))
        if trusted and p < spam_from:
            approved.append(
                reason(
                    Reason.TRUSTED_AUTHOR,
                    f"{author.approved_before} approved comment(s) on this site before",
                )
            )

    for word in keywords.matches(text, settings["moderation_keywords"]):
        held.append(reason(Reason.MODERATION_KEYWORD, f'"{word}"'))
    links = count_links(record.get("content", ""))
    if links > settings["max_links"]:
        held.append(reason(Reason.LINKS, f"{links} links (more than {settings['max_links']})"))
    if settings["mode"] == "hold_all":
        held.append(reason(Reason.MANUAL_MODE, "this site holds every comment"))
    elif settings["mode"] == "hold_first_comment" and author.approved_before == 0:
        held.append(reason(Reason.FIRST_COMMENT, "first comment of this author on this site"))

    if spam:
        return Verdict(Status.SPAM, spam + held + approved)
    if held:
        return Verdict(Status.HELD, held + approved)
    return Verdict(Status.APPROVED, approved)


def _score_detail(p: float, explanations: list[str]) -> str:
    why = "; ".join(explanations)
    return f"score {p:.2f}" + (f": {why}" if why else "")
