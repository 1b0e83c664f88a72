"""Reason details on an Italian page: every detail Vaglio writes, in Italian."""

import math

from classifier.structure import FEATURE_NAMES, describe
from service import sites
from service.policy import Assessment, AuthorState, decide
from service.web.reason_text import localise

LINKS = "http://a.example/1 http://b.example/2 http://c.example/3"


def policy_details() -> list[str]:
    """Details from the real policy, one verdict per rule."""
    cases = [
        ({}, AuthorState(blocked=True, blocked_by="e-mail"), 0.2, ""),
        ({}, AuthorState(blocked=True, blocked_by="IP"), 0.2, ""),
        ({}, AuthorState(approved_before=2), 0.5, ""),
        ({"mode": "hold_all"}, AuthorState(), 0.01, ""),
        ({"mode": "hold_first_comment"}, AuthorState(), 0.01, ""),
        ({}, AuthorState(), 0.01, LINKS),
        ({}, AuthorState(), None, ""),
    ]
    details = []
    for changes, author, p, content in cases:
        verdict = decide(
            {"content": content or "Ciao", "author": "Anna", "url": ""},
            Assessment(p, []),
            {**sites.DEFAULTS, **changes},
            author,
            (0.3, 0.9),
        )
        details += [r["detail"] for r in verdict.reasons if r["code"] != "SPAM_SCORE"]
    return details


def test_every_signal_and_rule_detail_reads_in_italian():
    signals = [describe(name, math.log2(3 + 1)) for name in FEATURE_NAMES]
    others = [
        "not scored after 5 attempts",
        "no active model",
        "the hidden form field was filled",
        "approve by moderator:ab12",
        "spam by moderator:ab12",
        "reject by moderator:ab12",
    ]
    for detail in signals + policy_details() + others:
        assert localise(detail, "it") != detail, detail
        assert localise(detail, "en") == detail


def test_a_score_detail_is_translated_piece_by_piece():
    detail = 'score 0.93: 3 links; "subscribe to my channel"; author name "Casino Bonus"; odd'
    assert localise(detail, "it") == (
        'punteggio 0.93: 3 link; "subscribe to my channel"; nome dell\'autore "Casino Bonus"; odd'
    )
    note = "reject by moderator:ab12: 3 links; off topic"
    assert localise(note, "it") == "rifiutato da moderator:ab12: 3 link; off topic"
