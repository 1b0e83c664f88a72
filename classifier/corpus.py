"""The starter corpus: labelled comments written for Vaglio, shipped with the package.

A fresh install has no moderator labels yet, so the default model trains on this
corpus: on-topic reader comments under tech/news articles, blog posts and embedded
music videos (ham), and the spam families comment forms really get (SEO link drops,
casino, pharma, crypto scams, "check out my channel", fake reviews, phishing, adult,
keyword-stuffed author names, work from home, giveaways, loans), in Italian,
English, Spanish, French, German and Portuguese.

The rows live in ``classifier/corpus/starter_<lang>.jsonl``, one JSON object a line:
``text``, ``label`` (``spam``/``ham``), ``lang``, ``family`` (ham topic or spam
family), ``author`` and ``url``. They are produced by ``classifier/corpus/build.py``
from the hand-written banks in ``classifier/corpus/banks/``; edit a bank and rerun
the script rather than editing the JSONL by hand.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from classifier.data import HAM, SPAM, Example

LANGS = ("it", "en", "es", "fr", "de", "pt")
SOURCE = "starter"
HALF_WEIGHT_AT = 200  # a site's own labelled comments at which a starter comment counts half
_LABELS = {"spam": SPAM, "ham": HAM}


def _corpus_folder() -> Traversable:
    try:
        return resources.files("classifier").joinpath("corpus")
    except (TypeError, NotADirectoryError):
        # Python 3.11 cannot read resources of a namespace package (no __init__.py) in an
        # editable install; the files are next to this module either way.
        return Path(__file__).with_name("corpus")


@cache
def _read_rows() -> tuple[dict[str, str], ...]:
    folder = _corpus_folder()
    rows: list[dict[str, str]] = []
    for lang in LANGS:
        name = f"starter_{lang}.jsonl"
        text = folder.joinpath(name).read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"corpus/{name}:{lineno}: not JSON: {exc.msg}") from exc
            if row.get("label") not in _LABELS or not row.get("text"):
                raise ValueError(f"corpus/{name}:{lineno}: needs text and label spam/ham")
            rows.append(row)
    return tuple(rows)


def corpus_rows() -> list[dict[str, str]]:
    """The raw rows, with their ``lang`` and ``family`` (for tests and statistics)."""
    return [dict(row) for row in _read_rows()]


def load_starter_corpus() -> list[Example]:
    """Every starter comment as an `Example` (source ``starter``, group = language)."""
    return [
        Example(
            text=row["text"],
            label=_LABELS[row["label"]],
            author=row.get("author", ""),
            url=row.get("url", ""),
            source=SOURCE,
            group=row["lang"],
        )
        for row in _read_rows()
    ]


def starter_weight(own_examples: int) -> float:
    """How much one starter comment counts in training next to one of the
    site's own labelled comments: fully on a fresh install, then less as the
    site's labels grow (half at 200, a sixth at 1,000). A site's labels say what
    *it* gets; the corpus only what sites get in general, and its phrasing
    (news-site Italian, say) can outvote what the site's readers really write.
    `bench/quality.py` measures the effect."""
    if own_examples < 0:
        raise ValueError("own_examples must be >= 0")
    return 1.0 / (1.0 + own_examples / HALF_WEIGHT_AT)
