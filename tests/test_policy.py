"""The site policy as a pure function: every rule, and how rules combine."""

import pytest

from service import sites
from service.policy import Assessment, AuthorState, decide
from service.vocabulary import Status

THRESHOLDS = (0.3, 0.9)


def settings(**changes):
    return {**sites.DEFAULTS, **changes}


def record(content="Bell'articolo, grazie.", author="Anna", url=""):
    return {"content": content, "author": author, "url": url}


def codes(verdict):
    return [r["code"] for r in verdict.reasons]


def test_low_score_is_approved_with_its_score_explained():
    verdict = decide(record(), Assessment(0.05, []), settings(), AuthorState(), THRESHOLDS)
    assert verdict.status is Status.APPROVED
    assert codes(verdict) == ["SPAM_SCORE"]
    assert "0.05" in verdict.reasons[0]["detail"]


def test_high_score_is_spam_and_names_what_pushed_it():
    verdict = decide(
        record(),
        Assessment(0.97, ["3 links", '"subscribe"']),
        settings(),
        AuthorState(),
        THRESHOLDS,
    )
    assert verdict.status is Status.SPAM
    assert verdict.reasons[0]["code"] == "SPAM_SCORE"
    assert '3 links; "subscribe"' in verdict.reasons[0]["detail"]


def test_doubtful_score_is_held():
    verdict = decide(record(), Assessment(0.5, []), settings(), AuthorState(), THRESHOLDS)
    assert verdict.status is Status.HELD and codes(verdict) == ["SPAM_SCORE"]


def test_more_links_than_allowed_is_held_with_links():
    content = "see https://a.example.com https://b.example.com https://c.example.com"
    verdict = decide(record(content), Assessment(0.1, []), settings(), AuthorState(), THRESHOLDS)
    assert verdict.status is Status.HELD
    links = [r for r in verdict.reasons if r["code"] == "LINKS"]
    assert links and links[0]["detail"].startswith("3 links")


def test_two_links_are_fine_by_default_and_max_links_is_per_site():
    content = "see https://a.example.com and https://b.example.com"
    ok = decide(record(content), Assessment(0.1, []), settings(), AuthorState(), THRESHOLDS)
    strict = decide(
        record(content), Assessment(0.1, []), settings(max_links=1), AuthorState(), THRESHOLDS
    )
    assert ok.status is Status.APPROVED
    assert strict.status is Status.HELD and "LINKS" in codes(strict)


def test_keywords_hold_or_block_and_every_reason_is_listed():
    content = "Great deal on Viagra, ask me about bitcoin"
    verdict = decide(
        record(content),
        Assessment(0.5, []),
        settings(moderation_keywords=["bitcoin"], blocked_keywords=["viagra"]),
        AuthorState(),
        THRESHOLDS,
    )
    assert verdict.status is Status.SPAM
    assert {"BLOCKED_KEYWORD", "MODERATION_KEYWORD", "SPAM_SCORE"} <= set(codes(verdict))
    assert codes(verdict)[0] == "BLOCKED_KEYWORD"


def test_blocked_author_is_spam():
    verdict = decide(
        record(), Assessment(0.01, []), settings(), AuthorState(0, True, "e-mail"), THRESHOLDS
    )
    assert verdict.status is Status.SPAM and codes(verdict)[0] == "BLOCKED_AUTHOR"


def test_trusted_author_is_approved_in_the_doubtful_band_but_not_when_confident_spam():
    trusted = AuthorState(approved_before=2)
    doubtful = decide(record(), Assessment(0.6, []), settings(), trusted, THRESHOLDS)
    confident = decide(record(), Assessment(0.95, []), settings(), trusted, THRESHOLDS)
    untrusting = decide(
        record(), Assessment(0.6, []), settings(trust_approved_authors=False), trusted, THRESHOLDS
    )
    assert doubtful.status is Status.APPROVED and "TRUSTED_AUTHOR" in codes(doubtful)
    assert confident.status is Status.SPAM
    assert untrusting.status is Status.HELD


@pytest.mark.parametrize(
    ("mode", "author", "status", "code"),
    [
        ("hold_all", AuthorState(5), Status.HELD, "MANUAL_MODE"),
        ("hold_first_comment", AuthorState(0), Status.HELD, "FIRST_COMMENT"),
        ("hold_first_comment", AuthorState(1), Status.APPROVED, "TRUSTED_AUTHOR"),
    ],
)
def test_modes(mode, author, status, code):
    verdict = decide(record(), Assessment(0.05, []), settings(mode=mode), author, THRESHOLDS)
    assert verdict.status is status and code in codes(verdict)


def test_site_thresholds_override_the_models():
    verdict = decide(
        record(), Assessment(0.2, []), settings(approve_below=0.1), AuthorState(), THRESHOLDS
    )
    assert verdict.status is Status.HELD


def test_unscored_comment_is_held_never_approved():
    verdict = decide(record(), Assessment(None, []), settings(), AuthorState(9), THRESHOLDS)
    assert verdict.status is Status.HELD and codes(verdict) == ["SCORING_FAILED"]
