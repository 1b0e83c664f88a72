"""Reasons: which parts of a comment pushed its score toward spam.

The model is linear, so a comment's score is the sum of `weight x value` over
its features, and that product *is* each feature's push. Pushes are gathered
into things a moderator can read:

- a structure signal -> its sentence (`3 links`, `author name is a URL`);
- a spam phrase family -> the phrase matched, quoted (`"subscribe to my channel"`);
- a word n-gram -> the words, quoted (`"my channel"`);
- the words of the author's name -> summed, shown as the name
  (`author name "Cialis Generika Günstig"`);
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
_AUTHOR_SHOWN = 40  # characters of an author's name quoted in a reason
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
        weights = features.transformer_weights or {}
        # as `union_transform` applies them: a block without a weight is unscaled
        self.weights = {name: weights.get(name) for name in self.blocks}
        self.structure_weight = weights.get("structure", 1.0)
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
        """`X`: the feature matrix of `prepared`, as `union_transform` made it
        (the n-gram blocks' own encoding of the batch gives their pushes)."""
        n = len(prepared)
        phrases: list[dict[str, float]] = [{} for _ in range(n)]
        self._add_units("words", prepared, phrases)
        self._add_units("chars", prepared, phrases)
        rows = np.repeat(np.arange(n), np.diff(X.indptr))  # the row of each stored value
        tail = self._tail_pushes(X, rows)
        structure = self.offsets["structure"] - self.offsets["cues"]
        cue_pushes = tail[:, :structure].tolist()
        signals = self._signals(tail[:, structure:])
        if "author" in self.blocks:  # models saved before the author block have none
            self._add_author(prepared, self._block_pushes("author", X, rows), signals)
        return [
            self._rank(p.cues, cue_pushes[i], phrases[i], signals[i])
            for i, p in enumerate(prepared)
        ]

    def _tail_pushes(self, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:  # noqa: N803
        """The pushes of the cue and structure columns, the last of `X`: they
        are few, so a small dense (comments x columns) block is simplest.
        `rows`: the row of each value stored in `X`."""
        start = self.offsets["cues"]
        in_tail = X.indices >= start
        values = np.zeros((X.shape[0], self.width - start))
        values[rows[in_tail], X.indices[in_tail] - start] = X.data[in_tail]
        return values * self.coef[start:]

    def _block_pushes(self, block_name: str, X: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:  # noqa: N803
        """Each comment's summed push from the columns of one block."""
        start = self.offsets[block_name]
        stop = start + self.blocks[block_name].n_features_out
        inside = (X.indices >= start) & (X.indices < stop)
        pushes = X.data[inside] * self.coef[X.indices[inside]]
        return np.bincount(rows[inside], pushes, minlength=X.shape[0])

    @staticmethod
    def _add_author(prepared, pushes: np.ndarray, signals) -> None:
        """The words of the author's name, as one reason: `author name "..."`."""
        for i in np.flatnonzero(pushes >= MIN_PUSH).tolist():
            name = prepared[i].author
            if len(name) > _AUTHOR_SHOWN:
                name = name[: _AUTHOR_SHOWN - 1].rstrip() + "…"
            signals[i].append((float(pushes[i]), f'author name "{name}"', None))

    def _add_units(self, block_name, prepared, phrases) -> None:
        """Adds each unit's push (an n-gram's, or a word's fragments') to `phrases`."""
        batch = self.blocks[block_name].batch_units(prepared)
        if not len(batch.columns):
            return
        # a column's value in the feature matrix, times its weight in the model
        values = batch.matrix.data[batch.cells]
        weight = self.weights[block_name]
        if weight is not None:
            values = values * weight
        entry_push = values * self.coef[self.offsets[block_name] + batch.columns]
        entry_unit = np.repeat(np.arange(len(batch.units)), batch.sizes)
        # a column cut from several units of one comment is shared between them
        unit_push = np.bincount(entry_unit, entry_push / batch.sharers, minlength=len(batch.units))
        labels = self._labels[block_name]
        if len(labels) > _LABEL_CACHE_LIMIT:
            labels.clear()
        selected = np.flatnonzero(np.abs(unit_push) >= _NOISE)
        # plain Python values: indexing numpy arrays one item at a time is slow
        units = [batch.units[u] for u in selected.tolist()]
        texts = list(map(labels.get, units))
        if None in texts:
            texts = [
                text if text is not None else labels.setdefault(unit, _label(block_name, unit))
                for unit, text in zip(units, texts, strict=True)
            ]
        for text, doc_of, push in zip(
            texts, batch.unit_doc[selected].tolist(), unit_push[selected].tolist(), strict=True
        ):
            if text:
                doc = phrases[doc_of]
                doc[text] = doc.get(text, 0.0) + push

    def _signals(self, pushes: np.ndarray) -> list[list[tuple[float, str, None]]]:
        """Per comment, the structure signals that pushed toward spam enough to
        be a reason, in `FEATURE_NAMES` order: (push, sentence, None)."""
        found: list[list[tuple[float, str, None]]] = [[] for _ in range(len(pushes))]
        rows, columns = np.nonzero(pushes >= MIN_PUSH)
        coef = self.coef[self.offsets["structure"] :].tolist()
        for i, j, push in zip(
            rows.tolist(), columns.tolist(), pushes[rows, columns].tolist(), strict=True
        ):
            value = push / coef[j]
            found[i].append((push, describe(FEATURE_NAMES[j], value, self.structure_weight), None))
        return found

    def _rank(
        self,
        cues: tuple[str | None, ...],
        cue_pushes: list[float],
        phrases: dict[str, float],
        signals: list[tuple[float, str, None]],
    ) -> list[str]:
        for phrase, push in zip(cues, cue_pushes, strict=True):
            if phrase is not None:
                phrases[phrase] = phrases.get(phrase, 0.0) + push

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
