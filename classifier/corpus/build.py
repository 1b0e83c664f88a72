"""Build the starter corpus JSONL files from the hand-written banks in ``banks/``.

Run from the repository root::

    python classifier/corpus/build.py

The produced ``starter_<lang>.jsonl`` files are the shipped artefact; this script
only exists so that they can be regenerated, reviewed and extended. It is fully
deterministic: every language draws from its own seeded ``random.Random``.

Each bank file holds, per language, two kinds of rows:

* hand-written comments (sections ``[ham.hand.<family>]``, ``[spam.hand.<family>]``),
  copied as they are, one per line, optionally ``text || author || url``;
* phrase banks that a tiny grammar composes into further comments. A template
  refers to other sections with ``{slot}`` (``{slot?}`` / ``{slot?30}`` make it
  optional, kept 50% / 30% of the time) and to inline choices with ``{a|b|}``.
  Slots resolve as ``<label>.<family>.<slot>``, then ``<label>.<slot>``, then
  ``common.<slot>``, then the built-ins in ``corpus_grammar.Composer.builtin`` (links,
  phone numbers, money, names).

Composed rows that merely repeat another row (same words, or one nearly contained
in the other) are dropped, so a phrase can recur only inside genuinely different
comments.
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from corpus_grammar import Composer, read_bank
from corpus_obfuscation import obfuscate_keyword

HERE = Path(__file__).resolve().parent
LANGS = ("it", "en", "es", "fr", "de", "pt")

HAM_FAMILIES = (
    "smartphones", "software", "hardware", "telecom", "ev", "privacy", "ai", "games",
    "tech_politics", "science", "football", "recipes", "music_video", "spam_meta",
    "crypto_news", "gambling_news", "health_news", "short",
)  # fmt: skip
SPAM_FAMILIES = (
    "seo", "casino", "pharma", "crypto", "channel", "fake_review", "phishing", "adult",
    "keyword_author", "work_from_home", "giveaway", "loans",
)  # fmt: skip

# Rows per language and label. Italian is the largest share: the first sites are Italian.
TARGETS = {
    "it": {"ham": 520, "spam": 340},
    "en": {"ham": 330, "spam": 256},
    "es": {"ham": 190, "spam": 155},
    "fr": {"ham": 190, "spam": 155},
    "de": {"ham": 190, "spam": 155},
    "pt": {"ham": 190, "spam": 155},
}
# Relative weight of a family inside its label; YouTube-style rows weigh more in English
# because sites embed videos and English is where that traffic is.
FAMILY_WEIGHTS = {
    "ham": {family: 1.0 for family in HAM_FAMILIES} | {"short": 3.5},
    "spam": {family: 1.0 for family in SPAM_FAMILIES},
}
LANG_WEIGHTS = {"en": {"music_video": 4.0, "channel": 3.0, "giveaway": 1.5}}

HAM_SOURCE_SHARE = 0.12  # extra composed ham rows that end citing a source link
WORD = re.compile(r"\w+", re.UNICODE)
LINKISH = re.compile(r"https?://|www\.|\.[a-z]{2,}/|@\w")


def normalise(text: str) -> str:
    """Lowercase, drop punctuation and symbols, collapse whitespace (test's definition)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    return " ".join(text.split())


def skeleton(text: str) -> str:
    """What is left of a comment without its links, numbers and punctuation."""
    text = re.sub(r"\S*(https?://|www\.|\.com|\.example)\S*", " ", text.lower())
    return " ".join(w for w in WORD.findall(text) if not w.isdigit())


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = skeleton(text).split()
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def recase(text: str, change) -> str:
    """Changes the case of the words but not of links, which would break."""
    return " ".join(w if LINKISH.search(w) else change(w) for w in text.split(" "))


def add_typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 4]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = rng.choice([w[:j] + w[j + 1] + w[j] + w[j + 2 :], w[:j] + w[j + 1 :]])
    return " ".join(words)


def roughen_ham(text: str, composer: Composer, family: str) -> str:
    """Real readers type in a hurry: lower case, missing full stop, a typo, an emoji."""
    rng = composer.rng
    if family != "short" and rng.random() < 0.12:
        text = recase(text, str.lower)
    if text.endswith(".") and rng.random() < 0.15:
        text = text[:-1]
    if rng.random() < 0.1:
        text = add_typo(text, rng)
    if rng.random() < 0.1 and composer.section("common.emoji_ham"):
        text = f"{text} {rng.choice(composer.section('common.emoji_ham'))}"
    if family != "short" and len(text) < 90 and rng.random() < 0.02:
        text = recase(text, str.upper)
    return text


def roughen_spam(text: str, composer: Composer, family: str) -> str:
    rng = composer.rng
    if rng.random() < 0.3:
        text = obfuscate_keyword(text, family, rng)
    if rng.random() < 0.06:
        text = recase(text, str.upper)
    if rng.random() < 0.12 and composer.section("common.emoji_spam"):
        emoji = rng.choice(composer.section("common.emoji_spam"))
        text = f"{emoji} {text}" if rng.random() < 0.5 else f"{text} {emoji}"
    return text


def person(composer: Composer) -> str:
    rng = composer.rng
    first, last = composer.pick("names.first"), composer.pick("names.last")
    style = rng.random()
    if style < 0.3:
        return f"{first} {last}"
    if style < 0.5:
        return f"{first} {last[0]}."
    if style < 0.65:
        return first if rng.random() < 0.5 else first.lower()
    if style < 0.9 and composer.section("names.nick"):
        nick = composer.pick("names.nick")
        return nick + (str(rng.randint(1, 99)) if rng.random() < 0.4 else "")
    return f"{first.lower()}.{last.lower()}" if rng.random() < 0.5 else f"{first[0]}. {last}"


def ham_url(composer: Composer, author: str) -> str:
    if composer.rng.random() >= 0.1:
        return ""
    slug = re.sub(r"[^a-z0-9]+", "", unicodedata.normalize("NFKD", author.lower()))
    return composer.sites.personal(slug or "blog")


def spam_author(composer: Composer, family: str) -> str:
    rng = composer.rng
    own = composer.section(f"spam.{family}.author")
    if family == "keyword_author" or (own and rng.random() < 0.45):
        pool = own or composer.section("spam.keyword_author.author")
        return rng.choice(pool)
    if rng.random() < 0.3 and composer.section("spam.person"):
        return rng.choice(composer.section("spam.person"))
    return person(composer)


def spam_url(composer: Composer, family: str, site: str) -> str:
    rng = composer.rng
    if family == "channel":
        return composer.sites.youtube_channel() if rng.random() < 0.4 else ""
    if family == "keyword_author":
        return composer.sites.render("url", site or composer.sites.domain("seo"), "seo")
    if rng.random() < 0.5:
        return ""
    return composer.sites.render("url", site or composer.sites.domain(family), family)


class Corpus:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.keys: set[str] = set()
        self.skeletons: set[str] = set()
        self.index: dict[tuple[str, ...], set[int]] = {}
        self.shingle_sets: list[set[tuple[str, ...]]] = []

    def near_duplicate(self, text: str) -> bool:
        mine = shingles(text)
        if len(mine) < 3:
            return False
        seen = Counter(i for s in mine for i in self.index.get(s, ()))
        for i, shared in seen.items():
            other = self.shingle_sets[i]
            if shared / len(mine | other) > 0.5 or shared / min(len(mine), len(other)) > 0.8:
                return True
        return False

    def add(self, row: dict, *, strict: bool) -> bool:
        key, skel = normalise(row["text"]), skeleton(row["text"])
        if not key or key in self.keys:
            return False
        if strict and (skel in self.skeletons or self.near_duplicate(row["text"])):
            return False
        self.keys.add(key)
        self.skeletons.add(skel)
        number = len(self.rows)
        self.rows.append(row)
        sh = shingles(row["text"])
        self.shingle_sets.append(sh)
        for s in sh:
            self.index.setdefault(s, set()).add(number)
        return True


def family_targets(lang: str, label: str, families: tuple[str, ...]) -> dict[str, int]:
    weights = {
        f: FAMILY_WEIGHTS[label][f] * LANG_WEIGHTS.get(lang, {}).get(f, 1.0) for f in families
    }
    total = sum(weights.values())
    return {f: round(TARGETS[lang][label] * w / total) for f, w in weights.items()}


def hand_rows(composer: Composer, label: str, family: str) -> list[dict]:
    rows = []
    for entry in composer.section(f"{label}.hand.{family}"):
        text, author, url = ([*entry.split(" || "), "", ""])[:3]
        if not author or author == "-":
            author = spam_author(composer, family) if label == "spam" else person(composer)
        rows.append({"text": text.strip(), "author": author.strip(), "url": url.strip()})
    return rows


def compose_row(composer: Composer, label: str, family: str) -> dict | None:
    templates = composer.section(f"{label}.{family}.tpl") or composer.section(f"{label}.tpl")
    has_sources = bool(composer.section(f"{label}.{family}.src"))
    if not has_sources:
        templates = [t for t in templates if "{srcline}" not in t]
    if not templates:
        return None
    template = composer.rng.choice(templates)
    # Readers cite their sources: a link alone must not read as spam.
    cites = label == "ham" and has_sources and "{srcline}" not in template
    if cites and composer.rng.random() < HAM_SOURCE_SHARE:
        template += " {srcline}"
    text, site = composer.expand(template, label, family)
    if label == "ham":
        text = roughen_ham(text, composer, family)
        author = person(composer)
        return {"text": text, "author": author, "url": ham_url(composer, author)}
    text = roughen_spam(text, composer, family)
    return {
        "text": text,
        "author": spam_author(composer, family),
        "url": spam_url(composer, family, site),
    }


def build_language(lang: str, corpus: Corpus) -> list[dict]:
    """Adds one language's rows to the corpus (shared, so that no comment repeats across
    languages either) and returns them."""
    bank = read_bank(HERE / "banks" / f"{lang}.txt")
    composer = Composer(lang, bank, random.Random(f"vaglio-starter-{lang}"))
    first = len(corpus.rows)
    shortfalls = []
    for label, families in (("ham", HAM_FAMILIES), ("spam", SPAM_FAMILIES)):
        for family, target in family_targets(lang, label, families).items():
            made = 0
            for row in hand_rows(composer, label, family):
                made += corpus.add(
                    row | {"label": label, "lang": lang, "family": family}, strict=False
                )
            attempts = 0
            while made < target and attempts < 400:
                attempts += 1
                row = compose_row(composer, label, family)
                if row is None:
                    break
                made += corpus.add(
                    row | {"label": label, "lang": lang, "family": family}, strict=True
                )
            if made < target:
                shortfalls.append(f"{lang} {label}.{family}: {made}/{target}")
    for line in shortfalls:
        print("short of target:", line, file=sys.stderr)
    fields = ("text", "label", "lang", "family", "author", "url")
    return [{k: row[k] for k in fields} for row in corpus.rows[first:]]


def build_all() -> dict[str, list[dict]]:
    corpus = Corpus()
    return {lang: build_language(lang, corpus) for lang in LANGS}


def main() -> int:
    for lang, rows in build_all().items():
        out = HERE / f"starter_{lang}.jsonl"
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        counts = Counter(row["label"] for row in rows)
        print(f"{out.name}: {len(rows)} rows, {counts['ham']} ham, {counts['spam']} spam")
    return 0


if __name__ == "__main__":
    sys.exit(main())
