"""Text normalisation that undoes the usual spam disguises.

Spammers write `ｃａｓｉｎｏ`, `сasino` (Cyrillic c), `c4s1n0`, `c a s i n o` or hide
zero-width characters inside words so that keyword filters miss them. Every
feature that reads words sees the text after `normalise`, so all of these
collapse onto `casino` and share one learned weight. The same key, stripped of
punctuation, is what de-duplication compares (`dedupe_key`).
"""

from __future__ import annotations

import html
import re
import unicodedata

from classifier.links import link_spans

# Invisible characters that render as nothing but split a word for a filter.
ZERO_WIDTH = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff",
    ),
    None,
)
# The same characters as one pattern: a regex pass is far cheaper than
# `str.translate` with a dict on non-ASCII text.
_ZERO_WIDTH_CHARS = re.compile("[" + "".join(map(chr, ZERO_WIDTH)) + "]")

# Look-alike letters from other scripts, mapped to the Latin letter a reader
# sees. Applied only where Latin is the text's main script, so a genuinely
# Greek or Russian comment keeps its own letters.
_LOOKALIKES = (
    "авеёкмнорстухѕіїјԁԛԝոսһАВЕКМНОРСТХЅІЈҮү"  # Cyrillic, Armenian
    "αβεηικνορτυχωϲϳΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek
    "ɑɛɡıȷʀʏᴀʙᴄᴅᴇɢʜɪᴊᴋʟᴍɴᴏᴘᴛᴜᴠᴡᴢʄ"  # IPA, small capitals
)
_LATIN = (
    "abeekmhopctyxsiijdqwnuhABEKMHOPCTXSIJYy"
    "abenikvoptuxwcjABEZHIKMNOPTYX"
    "aegijryabcdeghijklmnoptuvwzf"
)
CONFUSABLES = str.maketrans(_LOOKALIKES, _LATIN)
_LOOKALIKE = re.compile(f"[{_LOOKALIKES}]")  # most texts have none: skip the translation

# Leetspeak, only rewritten inside a word that also has real letters, so prices,
# years and phone numbers keep their digits.
LEET = str.maketrans("013457@$€!|", "oieastaseil")
# A word of letters, digits and leet characters, with a letter and a leet
# character in it (only those can need rewriting: the lookahead skips the rest).
_LEET_WORD = re.compile(r"(?<![\w@$€!|])(?=[\w@$€!|]*[013457@$€!|])[\w@$€!|]*[^\W\d_][\w@$€!|]*")
_LEET_CHARS = re.compile(r"[013457@$€!|]")
# A leet character touching a letter: after a letter (not `!`: `free!` is
# emphasis) or before one. Without one there is nothing to rewrite and the
# per-word pass (the costliest step here) is skipped. The pattern opens with
# the leet characters so that the regex engine can skip straight to them.
_LEET_HINT = re.compile(r"[013457@$€!|](?:(?<=[^\W\d_][013457@$€|])|(?=[^\W\d_]))")
# `1st`, `4k`, `mp3`, `h264`, `covid19`: digits that belong to the word. A
# letters-then-digits word counts as genuine only when short (`mp3`) or when its
# digits are not all leet look-alikes (`xbox360`, not `fr33`).
_KEEP_DIGITS = re.compile(
    r"^(\d+(st|nd|rd|th|s|k|m|h|x|p|am|pm|fps|gb|mb|hz|mm|cm|kg|km|min|ml|g|l|d|y)"
    r"|[a-z]{1,3}\d|\w*[2689]\w*)$"
)

# `c a s i n o`, `f.r.e.e`, `c-a-s-h`: three or more single letters in a row.
_SPACED = re.compile(r"(?<!\w)(?:[^\W\d_][ .\-_*]){2,}[^\W\d_](?!\w)")
_SPACED_SEP = re.compile(r"[ .\-_*]")
# How every spaced-out word ends (separator, letter, separator, last letter),
# cheap to look for: most texts have none and skip the full pattern.
_SPACED_HINT = re.compile(r"[ .\-_*][^\W\d_][ .\-_*][^\W\d_](?!\w)")

_REPEATS = re.compile(r"(\D)\1{2,}")  # `freeeee`, `!!!!!`; numbers keep their zeros
TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)  # any character thrice: a faster first look
_TAG = re.compile(r"<[^>]{0,500}>")
_BR = re.compile(r"<\s*/?\s*(br|p|div|li|tr|h\d)\b[^>]*>", re.IGNORECASE)
_ANCHOR = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]+)[\"']?[^>]*>(.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
_WORD = re.compile(r"\w+")
# Combining marks (accents once NFD has split them off their letters).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_html(text: str, *, keep_link_targets: bool = True) -> str:
    """Plain text of a comment that may hold HTML markup and entities.

    A link's target is kept next to its text (`<a href=u>click</a>` becomes
    `click u`), because for a comment typed into a form the target is what the
    spammer wants clicked. Platforms that turn plain text into anchors
    themselves (YouTube) pass `keep_link_targets=False`.
    """
    if "<" in text:

        def anchor(match: re.Match[str]) -> str:
            target, label = html.unescape(match.group(1)), match.group(2)
            if not keep_link_targets or target in label:
                return label
            return f"{label} {target}"

        text = _ANCHOR.sub(anchor, text)
        text = _BR.sub("\n", text)
        text = _TAG.sub("", text)  # inline tags (<b>, <span>) sit inside words
    if "&" in text:
        text = html.unescape(text)
    return text.replace("\ufeff", "").strip()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed == text:
        return text
    return _COMBINING.sub("", decomposed)


def _latin_share(text: str) -> float:
    latin = other = 0
    for c in text:
        if c.isalpha():
            if c.isascii() or "\u00c0" <= c <= "\u024f":
                latin += 1
            else:
                other += 1
    return latin / (latin + other) if latin + other else 1.0


def _unconfuse(text: str) -> tuple[str, int]:
    if not _LOOKALIKE.search(text):
        return text, 0
    latin = text.translate(CONFUSABLES)
    if latin == text:
        return text, 0
    hits = sum(a != b for a, b in zip(text, latin, strict=True))
    if _latin_share(text) >= 0.5:
        return latin, hits

    # Mostly non-Latin text: rewrite only words that mix in Latin letters.
    mixed = 0

    def word(match: re.Match[str]) -> str:
        nonlocal mixed
        w = match.group(0)
        if any("a" <= c.lower() <= "z" for c in w):
            mixed += 1
            return w.translate(CONFUSABLES)
        return w

    return _WORD.sub(word, text), mixed


def _unleet(text: str) -> tuple[str, int]:
    if not _LEET_HINT.search(text):
        return text, 0
    hits = 0

    def word(match: re.Match[str]) -> str:
        nonlocal hits
        w = match.group(0)
        if not _LEET_CHARS.search(w) or _KEEP_DIGITS.match(w):
            return w
        core = w.rstrip("!")  # `free!!!` is emphasis, not an `i`
        if not _LEET_CHARS.search(core):
            return w
        hits += 1
        return core.translate(LEET) + w[len(core) :]

    return _LEET_WORD.sub(word, text), hits


def _unspace(text: str) -> tuple[str, int]:
    if not _SPACED_HINT.search(text):
        return text, 0
    return _SPACED.subn(lambda m: _SPACED_SEP.sub("", m.group(0)), text)


def _undisguise_words(text: str) -> tuple[str, int]:
    text, leet = _unleet(text)
    text, spaced = _unspace(text)
    if TRIPLE.search(text):
        text = _REPEATS.sub(r"\1\1", text)
    return text, leet + spaced


def _outside_links(text: str, rewrite, spans=None) -> tuple[str, int]:
    """Apply `rewrite` to the text between links: a link's path is an id
    (`watch?v=9bZkp7q19f0`), not leetspeak, and must stay as written."""
    if spans is None:
        spans = link_spans(text)
    if not spans:
        return rewrite(text)
    parts, hits, start = [], 0, 0
    for begin, end in spans:
        part, n = rewrite(text[start:begin])
        parts += [part, text[begin:end]]
        hits, start = hits + n, end
    part, n = rewrite(text[start:])
    parts.append(part)
    return "".join(parts), hits + n


def _compatibility_letters(text: str, folded: str) -> int:
    """Letters written with look-alike code points (`ｃ`, `𝐜`, `ⓒ`) that NFKC
    folded to plain ASCII letters or digits."""
    if folded == text:
        return 0
    return sum(
        1
        for c in text
        if not c.isascii()
        and len(n := unicodedata.normalize("NFKC", c)) == 1
        and n.isascii()
        and n.isalnum()
    )


def normalise_counting(text: str, link_spans_of_text=None) -> tuple[str, int]:
    """`normalise(text)` and how many disguises it undid (look-alike letters,
    zero-width characters, leetspeak words, spaced-out words).

    `link_spans_of_text` may pass `links.link_spans(text)` when the caller has
    it already; it is used only for ASCII text, whose offsets casefolding keeps.
    """
    spans = link_spans_of_text if text.isascii() else None
    disguises = 0
    if not text.isascii():  # every Unicode trick is non-ASCII; most comments are not
        folded = unicodedata.normalize("NFKC", text)
        disguises = _compatibility_letters(text, folded)
        stripped = _ZERO_WIDTH_CHARS.sub("", folded)
        disguises += len(folded) - len(stripped)
        text, hits = _unconfuse(stripped)
        disguises += hits
        text = _strip_accents(text)
    text, hits = _outside_links(text.casefold(), _undisguise_words, spans)
    return " ".join(text.split()), disguises + hits


def normalise(text: str) -> str:
    """The text a word or n-gram feature reads: disguises undone, lower case,
    accents and runs of one character (`freeeee`) reduced, spaces collapsed."""
    return normalise_counting(text)[0]


def dedupe_key(text: str) -> str:
    """Two comments with the same key are the same comment for training:
    normalised, then only the words kept (punctuation and spacing vary)."""
    return normal_key(normalise(strip_html(text)))


def normal_key(normal: str) -> str:
    """`dedupe_key` of a text already through `normalise(strip_html(...))`. A
    comment with no word at all (only emoji) keys on its normalised form."""
    return " ".join(_WORD.findall(normal)) or normal
