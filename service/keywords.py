"""Whole-word keyword matching, case- and accent-insensitive, Unicode-aware.

Text and keywords are both cut into tokens (runs of letters/digits, or runs of
symbols), folded (case, accents), and a keyword matches where its tokens appear
in a row. No keyword is ever compiled into a regex, so ``c++`` or ``.*`` are
plain text, and ``ass`` does not match inside ``classic`` (no Scunthorpe).
"""

import re
import unicodedata
from functools import lru_cache

_TOKEN = re.compile(r"\w+|[^\w\s]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """Each token of ``text`` (unfolded) with where it stands: for highlighting."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=4096)
def _keyword_tokens(keyword: str) -> tuple[str, ...]:
    return tokens(keyword)


def matches(text: str, keywords: list[str]) -> list[str]:
    """The keywords (as configured) that occur in ``text``, in list order."""
    if not keywords or not text:
        return []
    text_tokens = tokens(text)
    present = set(text_tokens)
    found = []
    for keyword in keywords:
        wanted = _keyword_tokens(keyword)
        if not wanted or wanted[0] not in present:
            continue
        if len(wanted) == 1 or _contains_run(text_tokens, wanted):
            found.append(keyword)
    return found


def _contains_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))
