"""Reasons: which parts of a comment pushed its score toward spam.

The model is linear, so a comment's score is the sum of `weight x value` over
its features, and that product *is* each feature's push. Pushes are gathered
into things a moderator can read:

- a structure signal -> its sentence (`3 links`, `author name is a URL`);
- a spam phrase family -> the phrase matched, quoted (`"subscribe to my channel"`);
- a word n-gram -> the words, quoted (`"my channel"`);
- character n-grams -> summed onto the word they were cut from and shown as
  that word (`c4s1n0` is shown as `"casino"`), never as raw fragments; a
  fragment shared by two words of the comment is split between them.

Only pushes toward spam of at least `MIN_PUSH` (in log-odds) are reported,
strongest first, at most `MAX_REASONS`, without quoting the same words twice.
The batch work is vectorised; the per-comment Python is only the ranking.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from classifier.ngrams import END, START
from classifier.structure import FEATURE_NAMES, describe

MAX_REASONS = 4
MIN_PUSH = 0.25
_NOISE = MIN_PUSH / 4  # a text gets at most 4 parts (word, start, end, fragments): skip less
_PUNCTUATION = string.punctuation + "¡¿«»“”‘’„…·•–—"
_MARKERS = re.compile(rf"\b(?:{START}|{END})\b")
# Words that a signal already says better: pieces of a web address ("N
# links") and of the service's e-mail marker ("e-mail address in the text").
_SAID_BY_SIGNALS = frozenset(
    ["http", "https", "www", "com", "net", "org", "html", "htm", "php", "amp", "email", "hidden"]
)
_WORDS = re.compile(r"\w+")
_LABEL_CACHE_LIMIT = 100_000  # labels remembered per block before the cache is reset


def _label(block_name: str, unit: str) -> str:
    """How a unit is quoted: a word n-gram without the start/end markers, a
    word without its punctuation; "" for a unit never quoted (a link: "N
    links" says it, and its path is noise)."""
    if block_name == "words":
        return _MARKERS.sub("", unit).strip() if "xx" in unit else unit
    if "/" in unit or unit.startswith("www."):
        return ""
    return unit.strip(_PUNCTUATION)


class Explainer:
    """Builds reasons for a batch from its feature matrix and the model weights."""

    def __init__(self, pipeline, slope: float) -> None:
        features = pipeline.named_steps["features"]
        self.blocks = dict(features.transformer_list)
        self.structure_weight = (features.transformer_weights or {}).get("structure", 1.0)
        # a negative calibration slope would flip which way is "toward spam"
        self.coef = pipeline.named_steps["model"].coef_.ravel() * (1.0 if slope >= 0 else -1.0)
        self.offsets, start = {}, 0
        for name, transformer in features.transformer_list:
            self.offsets[name] = start
            start += transformer.n_features_out
        self.width = start
        # units recur from comment to comment: clean each one's text only once
        self._labels: dict[str, dict[str, str]] = {"words": {}, "chars": {}}

    def reasons(self, prepared: Sequence, X: sp.csr_matrix) -> list[list[str]]:  # noqa: N803
        n = len(prepared)
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(X.indptr))
        keys = rows * self.width + X.indices  # sorted: CSR rows, sorted columns
        pushes = X.data * self.coef[X.indices]
        phrases: list[dict[str, float]] = [{} for _ in range(n)]
        self._add_units("words", prepared, keys, pushes, phrases)
        self._add_units("chars", prepared, keys, pushes, phrases)
        # cue and structure columns are few: a small dense block is simplest
        tail = self.offsets["cues"]
        dense = (X[:, tail:].toarray() * self.coef[tail:]).tolist()
        return [self._rank(p, phrases[i], dense[i]) for i, p in enumerate(prepared)]

    def _add_units(self, block_name, prepared, keys, pushes, phrases) -> None:
        """Adds each unit's push (an n-gram's, or a word's fragments') to `phrases`."""
        block = self.blocks[block_name]
        doc_units, columns, sizes = block.batch_units(prepared)
        units = [u for du in doc_units for u in du]
        if not units:
            return
        unit_doc = np.repeat(np.arange(len(prepared)), list(map(len, doc_units)))
        entry_unit = np.repeat(np.arange(len(units)), sizes)
        entry_key = unit_doc[entry_unit] * self.width + self.offsets[block_name] + columns
        if not len(keys) or not len(entry_key):
            return
        position = np.minimum(np.searchsorted(keys, entry_key), len(keys) - 1)
        entry_push = np.where(keys[position] == entry_key, pushes[position], 0.0)
        # a column cut from several units of one comment is shared between them
        _, inverse, owners = np.unique(entry_key, return_inverse=True, return_counts=True)
        unit_push = np.bincount(entry_unit, entry_push / owners[inverse], minlength=len(units))
        labels = self._labels[block_name]
        if len(labels) > _LABEL_CACHE_LIMIT:
            labels.clear()
        selected = np.flatnonzero(np.abs(unit_push) >= _NOISE)
        # plain Python numbers: indexing numpy arrays one item at a time is slow
        for u, doc_of, push in zip(
            selected.tolist(),
            unit_doc[selected].tolist(),
            unit_push[selected].tolist(),
            strict=True,
        ):
            unit = units[u]
            text = labels.get(unit)
            if text is None:
                text = labels[unit] = _label(block_name, unit)
            if text:
                doc = phrases[doc_of]
                doc[text] = doc.get(text, 0.0) + push

    def _rank(self, p, phrases: dict[str, float], tail: list[float]) -> list[str]:
        """`tail`: this comment's pushes from the cue and structure columns."""
        for j, phrase in enumerate(p.cues):
            if phrase is not None:
                phrases[phrase] = phrases.get(phrase, 0.0) + tail[j]

        signals: list[tuple[float, str, None]] = []
        structure = self.offsets["structure"] - self.offsets["cues"]
        for j, push in enumerate(tail[structure:]):
            if push >= MIN_PUSH:
                value = push / self.coef[self.offsets["structure"] + j]
                signals.append(
                    (push, describe(FEATURE_NAMES[j], value, self.structure_weight), None)
                )

        candidates = []
        for text, push in phrases.items():
            if push >= MIN_PUSH:
                words = set(_WORDS.findall(text))
                if not words <= _SAID_BY_SIGNALS:
                    candidates.append((push, f'"{text}"', words))
        chosen: list[str] = []
        quoted: list[set[str]] = []
        for _, text, words in sorted(candidates + signals, key=lambda c: -c[0]):
            if words is not None:
                if any(words <= q or q <= words for q in quoted):
                    continue
                quoted.append(words)
            chosen.append(text)
            if len(chosen) == MAX_REASONS:
                break
        return chosen
