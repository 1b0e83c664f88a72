"""Structural signals: what a comment looks like rather than what it says.

Links, shorteners, phone numbers, shouting, disguised letters and a
keyword-stuffed author name give spam away in any language, including the ones
the word features never saw. Every signal is 0 for an ordinary comment, so a
signal's contribution to the score is exactly the push it gave, and each one
has a sentence a moderator understands (`describe`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from classifier.links import (
    count_disguised_links,
    find_links,
    is_referral,
    is_shortener,
    looks_like_url,
)
from classifier.normalize import TRIPLE

EMAIL_MARKER = "[email hidden]"  # what the service writes in place of an e-mail
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .\-/()]{0,2}\d){8,14}(?!\w)")
_YEARS = re.compile(r"^(?:(?:19|20)\d\d\W*)+$")
# `[$€£₹]\s?\d|\d\s?(?:[$€£₹]|usd|...)\b` (case-insensitive), written to open with
# the characters a match can start with, which the regex engine skips to.
_MONEY = re.compile(
    r"[$€£₹\d](?i:(?<=[$€£₹])\s?\d"
    r"|(?<=\d)\s?(?:[$€£₹]|usd|eur|euros?|dollars?|dollari|dólares|reais|bucks)\b)"
)
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
_ASCII_LETTER_RUN = re.compile(r"([a-zA-Z])\1{2,}")  # same on ASCII text, 3x faster
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u3030\u303d]"
)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
# Characters outside ASCII and the Latin letters of Latin-1 and Latin Extended
# A and B: where a letter of another script would be.
_OUTSIDE_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f]")
_AUTHOR_SEPARATORS = re.compile(r"[,|/+;]| - | – ")


# ASCII text is counted through bytes: `bytes.translate` deletes a set of
# characters in one pass, and the length it loses is their count.
_ASCII_DIGITS = b"0123456789"
_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LETTERS = _ASCII_UPPER + _ASCII_UPPER.lower()


def _ascii_count(data: bytes, characters: bytes) -> int:
    return len(data) - len(data.translate(None, characters))


def _count(text: str, ascii_data: bytes | None, characters: bytes, test) -> int:
    """How many characters of `text` pass `test` (a `str` method); on ASCII
    text (`ascii_data`: its bytes) the same count from the `characters` set."""
    if ascii_data is not None:
        return _ascii_count(ascii_data, characters)
    return sum(map(test, text))


def _log2_count(n: int) -> float:
    return math.log2(1 + n)


def _count_from(value: float) -> int:
    return round(2**value - 1)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# name -> how a moderator reads a positive push from it (given the feature value)
DESCRIPTIONS: dict[str, Callable[[float], str]] = {
    "links": lambda v: _plural(_count_from(v), "link"),
    "shortener": lambda v: "URL shortener",
    "disguised_link": lambda v: "link disguised to dodge filters",
    "referral_link": lambda v: "referral link",
    "email": lambda v: "e-mail address in the text",
    "phone": lambda v: "phone number",
    "money": lambda v: "money amounts",
    "capitals": lambda v: "many capitals",
    "repeated_letters": lambda v: "repeated letters",
    "exclamations": lambda v: "many exclamation marks",
    "long": lambda v: "long comment",
    "short": lambda v: "very short comment",
    "emoji": lambda v: "many emoji",
    "mixed_scripts": lambda v: "letters from mixed alphabets",
    "disguised_letters": lambda v: "disguised letters (look-alikes, leetspeak, spacing)",
    "author_url": lambda v: "author name is a URL",
    "author_keywords": lambda v: "author name is a keyword list",
    "website": lambda v: "website given",
}
FEATURE_NAMES = tuple(DESCRIPTIONS)


def _mixed_script_words(text: str) -> int:
    """Words mixing ASCII letters with letters of another script (`pаypal`
    with a Cyrillic a): no real word in any language does that."""
    # without a letter of another script, no word can mix scripts
    if text.isascii() or not any(map(str.isalpha, _OUTSIDE_LATIN.findall(text))):
        return 0
    mixed = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        latin = other = False
        for c in word:
            if c.isalpha():
                if c.isascii() or "\u00c0" <= c <= "\u024f":
                    latin = True
                else:
                    other = True
        mixed += latin and other
    return mixed


def _phones(text: str, digits: int) -> int:
    """`digits`: how many decimal digits `text` has."""
    if digits < 9:  # a phone number has at least nine digits
        return 0
    return sum(1 for m in _PHONE.finditer(text) if not _YEARS.match(m.group(0)))


def _capitals(text: str, ascii_data: bytes | None) -> float:
    """`ascii_data`: the text encoded, when it is ASCII."""
    upper = _count(text, ascii_data, _ASCII_UPPER, str.isupper)
    if upper < 4:
        return 0.0
    letters = _count(text, ascii_data, _ASCII_LETTERS, str.isalpha)
    if letters < 8:
        return 0.0
    return max(0.0, (upper / letters - 0.2) / 0.8)


def _author_keywords(author: str) -> bool:
    words = _WORD.findall(author)
    return len(words) >= 5 or (len(words) >= 3 and len(_AUTHOR_SEPARATORS.findall(author)) >= 2)


def measure(
    content: str, author: str, url: str, disguises: int, links: list[str] | None = None
) -> list[float]:
    """The signal values of one comment, in `FEATURE_NAMES` order.

    `content` is the comment without HTML but otherwise as written (capitals,
    emoji and look-alike letters are signals themselves); `disguises` is the
    count `normalize.normalise_counting` returns; `links`, if given, is
    `find_links(content)` already computed.
    """
    if links is None:
        links = find_links(content)
    targets = [*links, url] if url else links
    disguised = count_disguised_links(content)
    length = len(content)
    ascii_only = content.isascii()
    ascii_data = content.encode() if ascii_only else None
    # decimal digits, which gate the search for money amounts and phone numbers
    if ascii_data is not None:
        digits = _ascii_count(ascii_data, _ASCII_DIGITS)
    else:
        digits = len(_DIGIT.findall(content))
    emails = content.count(EMAIL_MARKER)
    if "@" in content:
        emails += len(_EMAIL.findall(content))
    money = (digits > 0 or not ascii_only) and _MONEY.search(content)
    letter_runs = 0
    if TRIPLE.search(content):
        prose = content
        for link in links:  # "www" and the like are no shouting
            prose = prose.replace(link, " ")
        letter_runs = len((_ASCII_LETTER_RUN if ascii_only else _LETTER_RUN).findall(prose))
    return [
        _log2_count(len(links) + disguised),
        float(any(is_shortener(t) for t in targets)),
        float(disguised > 0),
        float(any(is_referral(t) for t in targets)),
        float(emails > 0),
        float(_phones(content, digits) > 0),
        float(bool(money)),
        _capitals(content, ascii_data),
        _log2_count(letter_runs),
        _log2_count(max(0, content.count("!") - 1)),
        max(0.0, math.log2(length / 160)) if length > 160 else 0.0,
        float(length <= 25),
        0.0 if ascii_only else _log2_count(len(_EMOJI.findall(content))),
        float(_mixed_script_words(content) > 0),
        _log2_count(disguises),
        float(("." in author or "/" in author) and looks_like_url(author)),
        float(_author_keywords(author)),
        float(bool(url.strip())),
    ]


class StructureFeatures(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Turns prepared comment rows into the structural signals. No `set_output`
    wrapping (see `classifier.features`).

    Input rows are `(content, author, url, disguises)`; `scale` multiplies every
    signal so that, next to unit-length n-gram vectors, the linear model's
    regularisation treats them fairly.
    """

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, X, y=None):  # noqa: N803 (scikit-learn's argument names)
        self.n_features_in_ = 4
        return self

    def transform(self, X):  # noqa: N803
        rows = [measure(str(c), str(a), str(u), int(d)) for c, a, u, d in X]
        values = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
        return values * self.scale

    def get_feature_names_out(self, input_features=None):
        return np.asarray(FEATURE_NAMES, dtype=object)


def describe(name: str, value: float, scale: float = 1.0) -> str:
    """A moderator's words for signal `name` at (scaled) `value`."""
    return DESCRIPTIONS[name](value / scale if scale else value)
