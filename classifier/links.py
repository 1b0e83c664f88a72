"""Finding links in comment text, the way a spammer writes them.

A link is the payload of most comment spam, so it must be found however it is
written: `http://x.com/a`, `www.x.com`, a bare `x.com`, a YouTube `/watch?v=`
path, or a disguised `x dot com` / `x . com` / `x[.]com` meant to slip past
link counters (those are counted as links *and* flagged as disguised).
"""

from __future__ import annotations

import re

# Common link shorteners: the real target is hidden from the reader and from
# any domain block list.
_SHORTENER_HOSTS = """
bit.ly bitly.com goo.gl tinyurl.com t.co ow.ly is.gd buff.ly adf.ly bit.do cutt.ly
shorturl.at rebrand.ly tiny.cc rb.gy t.ly v.gd x.co lnkd.in db.tt qr.ae po.st bc.vc
soo.gd s.id clck.ru shorte.st ouo.io linktr.ee tr.im fb.me amzn.to wp.me
short.io tiny.one gg.gg urlz.fr u.to
"""
SHORTENERS = frozenset(_SHORTENER_HOSTS.split())

# Top-level domains seen in comment spam and on ordinary sites; a bare
# `word.tld` with one of these is taken for a link.
_TLDS = (
    "com|net|org|info|biz|io|co|me|tv|ly|gl|gd|be|to|cc|ws|xyz|online|site|club|top|shop|"
    "store|live|app|link|click|win|bet|casino|loan|vip|pro|eu|uk|us|ca|au|in|ru|ua|pl|nl|"
    "it|de|fr|es|pt|br|ch|at|se|no|dk|fi|ro|gr|tk|ml|ga|cf|gq|su|cn|jp|kr|mx|ar|cl|id"
)
# (The lookahead in the bare-domain branch only says early what the labels
# after it require, a dot then a letter or digit, so that ordinary words fail
# fast instead of after backtracking through every label length.)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w@.-])(?=[a-z0-9-]*\.[a-z0-9])"
    rf"(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})\b(?:/[^\s<>\"']*)?"
    r"|(?<!\w)/?watch\?v=[\w-]+",
    re.IGNORECASE,
)
_DISGUISED = re.compile(
    rf"\b[a-z0-9-]{{2,}}\s*(?:\(|\[|\{{)?\s*(?:dot|punto|punkt|point|ponto)\s*(?:\)|\]|\}})?\s*"
    rf"(?:{_TLDS})\b"
    rf"|\b[a-z0-9-]{{2,}}(?:\s+\.\s*|\.\s+|\s*[\[({{]\.[\])}}]\s*)(?:{_TLDS})\b",
    re.IGNORECASE,
)
# Cheap pre-checks: the full patterns try a match at every character, which
# costs more than everything else a comment goes through; most comments have
# no link, and these rule that out in one fast scan.
#
# _LINK_HINT is `\.(?:TLDS)\b|https?:|www\.|\?v=` (case-insensitive), written to
# open with the characters a match can start with: the regex engine then skips
# straight from one of those to the next.
_LINK_HINT = re.compile(rf"[.hHwW?](?i:(?<=\.)(?:{_TLDS})\b|(?<=h)ttps?:|(?<=w)ww\.|(?<=\?)v=)")
_DOT_HINT = re.compile(rf"\.\s+(?:{_TLDS})\b", re.IGNORECASE)
_DOT_WORDS = ("dot", "punto", "punkt", "point", "ponto", "[.]", "(.)", "{.}", " .")
_HOST = re.compile(r"^(?:https?://)?(?:www\d?\.)?([^/?#:\s]+)", re.IGNORECASE)
_REFERRAL = re.compile(r"[?&#](?:ref|aff|affiliate|friend|invite|r|via|promo|code)=", re.I)


def find_links(text: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
    """Every link written in plain sight, in order of appearance (`spans`:
    `link_spans(text)` if already computed)."""
    if spans is None:
        spans = link_spans(text)
    return [text[start:end].rstrip(".,;:!?)]}") for start, end in spans]


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where the links of `find_links` sit in `text`, as (start, end) offsets."""
    if not _LINK_HINT.search(text):
        return []
    return [m.span() for m in _URL.finditer(text)]


def count_disguised_links(text: str) -> int:
    """Links written to dodge a link counter: `site dot com`, `site . com`."""
    lower = text.lower()
    if any(map(lower.__contains__, _DOT_WORDS)) or _DOT_HINT.search(text):
        return len(_DISGUISED.findall(text))
    return 0


def host(link: str) -> str:
    """The host name of a link, lower case, without `www.`."""
    if "watch?v=" in link and "." not in link.split("watch?v=")[0]:
        return "youtube.com"
    match = _HOST.match(link)
    return match.group(1).lower().rstrip(".") if match else ""


def is_shortener(link: str) -> bool:
    return host(link) in SHORTENERS


def is_referral(link: str) -> bool:
    """A link carrying an affiliate/referral code: someone is paid per click."""
    return bool(_REFERRAL.search(link))


def looks_like_url(value: str) -> bool:
    """True when the whole value is a link or a bare domain (`cheap-pills.net`)."""
    value = value.strip()
    if not value or " " in value:
        return False
    match = _URL.fullmatch(value) or _URL.fullmatch(value.rstrip("/"))
    return match is not None
