"""Cutting a comment into plain and highlighted segments, for the template.

Highlighting is done here, on the server, by splitting the text: the template
prints every segment through Jinja's autoescaping, so no markup ever comes from
a comment. Links are found as the link counter finds them; keywords are the
ones the verdict names (``MODERATION_KEYWORD`` / ``BLOCKED_KEYWORD`` details,
the quoted phrases of ``SPAM_SCORE``), matched whole-word and ignoring case and
accents, as the policy matched them.
"""

import re
from functools import lru_cache

from classifier.links import find_links
from service.keywords import fold, token_spans
from service.keywords import tokens as keyword_tokens

LINK, KEYWORD, SIGNAL = "link", "keyword", "signal"
_QUOTED = re.compile(r'"([^"]{1,100})"')
_KEYWORD_CODES = {"MODERATION_KEYWORD", "BLOCKED_KEYWORD"}


def terms(reasons: list[dict]) -> tuple[list[str], list[str]]:
    """(keywords the rules matched, phrases that pushed the spam score)."""
    matched, signals = [], []
    for item in reasons:
        if item.get("code") in _KEYWORD_CODES:
            matched += _QUOTED.findall(item.get("detail") or "")
        elif item.get("code") == "SPAM_SCORE":
            signals += _QUOTED.findall(item.get("detail") or "")
    return matched, signals


def segments(text: str, reasons: list[dict]) -> list[tuple[str, str]]:
    """``[(kind, text), ...]`` covering ``text`` in order; kind "" is plain text."""
    if not text:
        return []
    spans = _link_spans(text)
    matched, signals = terms(reasons)
    if matched or signals:
        spans += _keyword_spans(text, [(matched, KEYWORD), (signals, SIGNAL)])
    if not spans:
        return [("", text)]
    out, position = [], 0
    # Links win over keywords, keywords over signals; overlapping spans are dropped.
    priority = {LINK: 0, KEYWORD: 1, SIGNAL: 2}
    taken: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (priority[s[2]], s[0])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, kind))
    for start, end, kind in sorted(taken):
        if start > position:
            out.append(("", text[position:start]))
        out.append((kind, text[start:end]))
        position = end
    if position < len(text):
        out.append(("", text[position:]))
    return out


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    # Words repeat across comments; ASCII needs no accent stripping.
    return word.lower() if word.isascii() else fold(word)


def _link_spans(text: str) -> list[tuple[int, int, str]]:
    spans, position = [], 0
    for link in find_links(text):
        start = text.find(link, position)
        if start < 0:
            continue
        spans.append((start, start + len(link), LINK))
        position = start + len(link)
    return spans


def _keyword_spans(text: str, groups) -> list[tuple[int, int, str]]:
    """Where the phrases occur, token by token (the hot path: 100 cards a page)."""
    wanted = [
        (phrase_tokens, kind)
        for phrases, kind in groups
        for phrase_tokens in map(keyword_tokens, dict.fromkeys(phrases))
        if phrase_tokens
    ]
    if not wanted:
        return []
    spans = token_spans(text)
    folded = [_fold(word) for _, _, word in spans]
    present = set(folded)
    hits = []
    for phrase_tokens, kind in wanted:
        if phrase_tokens[0] not in present:
            continue
        n, i = len(phrase_tokens), -1
        while True:
            try:
                i = folded.index(phrase_tokens[0], i + 1)
            except ValueError:
                break
            if tuple(folded[i : i + n]) == phrase_tokens:
                hits.append((i, i + n - 1, kind))
    if not hits:
        return []
    return [(spans[first][0], spans[last][1], kind) for first, last, kind in hits]
