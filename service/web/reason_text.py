"""Reason details in the page's language.

The details stored with a verdict are English: they are part of the API. The
page shows them in the moderator's language by translating the fragments it
knows. A detail is fragments joined by "; ", the first of which may carry a
head ("score 0.93: 3 links; ..."; "approve by moderator:ab12: note").
Quoted phrases are the comment's own words and stay as written; so does a
fragment the catalogue does not know.

A catalogue entry `detail:<English>` gives the translation; `{name}` in it
stands for a number, a name or a quoted phrase, carried over as it is.
"""

import re
from functools import cache, lru_cache

from service.web.i18n import DEFAULT, catalogue

_PREFIX = "detail:"
_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")  # `{name}` once escaped by re.escape


@cache
def _catalogue(lang: str) -> tuple[dict[str, str], tuple[tuple[re.Pattern, str], ...]]:
    """Fixed phrases (looked up) and phrases with `{name}`s (matched)."""
    fixed, patterns = {}, []
    for key, text in catalogue(lang).items():
        if not key.startswith(_PREFIX):
            continue
        english = key[len(_PREFIX) :]
        if "{" not in english:
            fixed[english] = text
            continue
        regex = _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(english)) + r"\Z"
        patterns.append((re.compile(regex), text))
    return fixed, tuple(patterns)


def _fragment(text: str, lang: str) -> str:
    if text.startswith('"'):
        return text
    fixed, patterns = _catalogue(lang)
    if text in fixed:
        return fixed[text]
    for pattern, translation in patterns:
        match = pattern.match(text)
        if match:
            return translation.format(**match.groupdict())
    return text


@lru_cache(maxsize=8192)  # a page repeats the same few details
def localise(detail: str, lang: str) -> str:
    """`detail` as a moderator reading `lang` should see it."""
    if lang == DEFAULT or not detail:
        return detail
    first, *rest = detail.split("; ")
    head, colon, tail = first.partition(": ")
    translated_head = _fragment(head, lang) if colon else None
    if translated_head is not None and translated_head != head:
        first = f"{translated_head}: {_fragment(tail, lang)}"
    else:
        first = _fragment(first, lang)
    return "; ".join([first, *(_fragment(part, lang) for part in rest)])
