"""Word and character n-grams, hashed, with a learned column list.

A vocabulary dict of a million n-grams is slow to save and load through skops
(one JSON node per entry) and large on disk. Hashing needs no vocabulary, but
the raw hash space is mostly empty columns. So the n-grams are hashed
(scikit-learn's HashingVectorizer), and `fit` keeps the sorted hash columns
seen in at least `min_df` training comments: one integer array, compact in
the model file, and a column space as small as a vocabulary's.

Nothing here is language specific: tokens are Unicode `\\w+` runs and the
character n-grams are taken inside whitespace-separated words, so Italian,
German or Portuguese text is cut the same way as English.

Scoring works on small batches, where scikit-learn's per-n-gram Python loop
dominates; there each *unit* (a word n-gram, or a word for the character
block) is hashed once and remembered, since comments reuse the same words all
the time. Large batches (training) go through HashingVectorizer directly; a
test checks that both paths give the same matrix.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

# Markers for the start and end of a comment, so that word n-grams can tell a
# comment that *opens* with "check out" or "subscribe" from one that quotes it.
START, END = "xxstart", "xxend"
_WORD_TOKENS = r"(?u)\b\w+\b"
_TOKEN = re.compile(_WORD_TOKENS)
_N_FEATURES = 1 << 24
_CACHED_BATCH = 4096  # batches up to this size use the unit cache
_CACHE_LIMIT = 100_000  # units remembered per block before the cache is reset


def _pair(first: str, second: str) -> str:
    return f"{first} {second}"


class HashedNgrams(TransformerMixin, BaseEstimator):
    """Binary, unit-length n-gram vectors of the `normal` text of prepared
    comments (see `classifier.features.Prepared`).

    `analyzer` is "word" (Unicode word tokens, with start/end markers) or
    "char_wb" (character n-grams inside words).
    """

    def __init__(self, analyzer: str = "word", ngram_range=(1, 2), min_df: int = 1) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df

    # The unit cache is scoring-time memory, not model state: never saved.
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cache", None)
        state.pop("_word_cache", None)
        state.pop("_recent", None)
        return state

    def _hasher(self) -> HashingVectorizer:
        return HashingVectorizer(
            analyzer=self.analyzer,
            ngram_range=tuple(self.ngram_range),
            n_features=_N_FEATURES,
            alternate_sign=False,
            norm=None,
            binary=True,
            lowercase=False,  # the text is already normalised
            token_pattern=_WORD_TOKENS,
            dtype=np.float64,
        )

    def _text(self, normal: str) -> str:
        return f"{START} {normal} {END}" if self.analyzer == "word" else normal

    def fit(self, X, y=None):  # noqa: N803 (scikit-learn's argument names)
        self._fit_hashed(X)
        return self

    def fit_transform(self, X, y=None):  # noqa: N803
        return normalize(self._compact(self._fit_hashed(X)))  # hashes the texts once

    def _fit_hashed(self, X) -> sp.csr_matrix:  # noqa: N803
        hashed = self._hasher().transform([self._text(p.normal) for p in X]).tocsr()
        hashed.sum_duplicates()
        columns, df = np.unique(hashed.indices, return_counts=True)
        self.columns_ = columns[df >= self.min_df].astype(np.int64)
        self.__dict__.pop("_cache", None)  # cached columns belong to the old fit
        self.__dict__.pop("_word_cache", None)
        return hashed

    def transform(self, X):  # noqa: N803
        if len(X) > _CACHED_BATCH:
            hashed = self._hasher().transform([self._text(p.normal) for p in X]).tocsr()
            return normalize(self._compact(hashed))
        doc_units, flat, sizes = self._batch(X)
        # the explainer asks again for the batch just scored: keep its answers
        self._recent = (X, doc_units, flat, sizes)
        unit_doc = np.repeat(np.arange(len(X)), list(map(len, doc_units)))
        rows = np.repeat(unit_doc, sizes)
        matrix = sp.csr_matrix(
            (np.ones(len(flat)), (rows, flat)), shape=(len(X), len(self.columns_))
        )
        # binary, unit length: each present column is 1 / sqrt(columns in the row)
        per_row = np.diff(matrix.indptr)
        matrix.data = np.repeat(1.0 / np.sqrt(np.maximum(per_row, 1)), per_row)
        return matrix

    @property
    def n_features_out(self) -> int:
        return len(self.columns_)

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"{self.analyzer}_{c}" for c in self.columns_], dtype=object)

    # -- units: what one comment is cut into, and their columns --------------

    def units(self, normal: str) -> list[str]:
        """Distinct units of a normalised text: word n-grams for the word
        block, whitespace-separated words for the character block."""
        if self.analyzer != "word":
            return list(dict.fromkeys(normal.split()))
        tokens = [START, *_TOKEN.findall(normal), END]
        low, high = self.ngram_range
        if (low, high) == (1, 2):  # the default, on the scoring hot path
            return list(dict.fromkeys([*tokens, *map(_pair, tokens, tokens[1:])]))
        grams = []
        for n in range(low, high + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return list(dict.fromkeys(grams))

    def batch_units(self, prepared):
        """Each comment's units, the columns of all units in order (one flat
        array) and how many each unit has: the answer kept from `transform`
        for the same batch."""
        recent = self.__dict__.get("_recent")
        if recent is not None and recent[0] is prepared:
            return recent[1:]
        return self._batch(prepared)

    def _batch(self, prepared):
        doc_units = [self.units(p.normal) for p in prepared]
        units = [u for du in doc_units for u in du]
        if self.analyzer == "word":
            columns = self.word_columns(units)
            known = columns >= 0
            return doc_units, columns[known], known.astype(np.int64)
        columns = self.unit_columns(units)
        sizes = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
        flat = np.concatenate(columns) if columns else np.empty(0, dtype=np.int64)
        return doc_units, flat, sizes

    def word_columns(self, units: list[str]) -> np.ndarray:
        """`unit_columns` for word n-grams, which have one column at most: that
        column, or -1. Plain ints in one array spare a numpy object per unit."""
        cache = self.__dict__.setdefault("_word_cache", {})
        try:
            return np.fromiter(map(cache.__getitem__, units), dtype=np.int64, count=len(units))
        except KeyError:
            pass
        if len(cache) + len(units) > _CACHE_LIMIT:
            cache.clear()
        found = [int(c[0]) if len(c) else -1 for c in self.unit_columns(units)]
        cache.update(zip(units, found, strict=True))
        return np.asarray(found, dtype=np.int64)

    def unit_columns(self, units: list[str]) -> list[np.ndarray]:
        """The learned columns of each unit (one for an n-gram, several for a
        word's character n-grams); units unseen in training have none."""
        cache = self.__dict__.setdefault("_cache", {})
        try:
            return [cache[u] for u in units]
        except KeyError:
            pass
        # Work from a snapshot: another scoring thread may reset the cache.
        known = {u: v for u in dict.fromkeys(units) if (v := cache.get(u)) is not None}
        missing = [u for u in dict.fromkeys(units) if u not in known]
        if missing:
            if len(cache) + len(missing) > _CACHE_LIMIT:
                cache.clear()
            if self.analyzer == "word":
                grams = [[u] for u in missing]
            else:
                analyze = self._hasher().build_analyzer()
                grams = [analyze(u) for u in missing]
            hasher = FeatureHasher(
                n_features=_N_FEATURES, input_type="string", alternate_sign=False
            )
            hashed = hasher.transform(grams).tocsr()
            learned = self.compact(hashed.indices.astype(np.int64))
            # one split instead of a numpy call per unit: new words are the
            # costly part of scoring a comment never seen before
            keep = learned >= 0
            owner = np.repeat(np.arange(len(missing)), np.diff(hashed.indptr))
            counts = np.bincount(owner[keep], minlength=len(missing))
            pieces = np.split(learned[keep], np.cumsum(counts)[:-1])
            known.update(zip(missing, pieces, strict=True))
            cache.update(zip(missing, pieces, strict=True))
        return [known[u] for u in units]

    def compact(self, hash_columns: np.ndarray) -> np.ndarray:
        """Learned column of each hash column, -1 for those not learned."""
        if not len(self.columns_):
            return np.full(len(hash_columns), -1, dtype=np.int64)
        position = np.minimum(np.searchsorted(self.columns_, hash_columns), len(self.columns_) - 1)
        return np.where(self.columns_[position] == hash_columns, position, -1)

    def _compact(self, hashed: sp.csr_matrix) -> sp.csr_matrix:
        """Hash columns -> learned columns; n-grams never seen in training drop out."""
        hashed.sum_duplicates()
        position = self.compact(hashed.indices.astype(np.int64))
        known = position >= 0
        rows = np.repeat(np.arange(hashed.shape[0]), np.diff(hashed.indptr))
        out = sp.csr_matrix(
            (hashed.data[known], (rows[known], position[known])),
            shape=(hashed.shape[0], len(self.columns_)),
        )
        out.sum_duplicates()
        out.data[:] = 1.0
        return out
