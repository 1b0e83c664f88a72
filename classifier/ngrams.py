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

A small batch is encoded once (`UnitBatch`): its units, their columns and the
block's rows. The explainer reads that same encoding for the batch just scored
instead of cutting the comments again.
"""

from __future__ import annotations

import re
from itertools import chain, pairwise
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

# Markers for the start and end of a comment, so that word n-grams can tell a
# comment that *opens* with "check out" or "subscribe" from one that quotes it.
START, END = "xxstart", "xxend"
_WORD_TOKENS = r"(?u)\b\w+\b"
_TOKEN = re.compile(r"\w+")  # the same tokens as _WORD_TOKENS, found faster
_N_FEATURES = 1 << 24
_CACHED_BATCH = 4096  # batches up to this size use the unit cache
_CACHE_LIMIT = 100_000  # units remembered per block before the cache is reset
# Scoring-time memory, not model state: never saved, dropped by a new fit.
# `_word_cache`: word n-gram -> column; `_cache`: word -> its character
# n-grams' columns; `_recent`: the batch last encoded.
_SCORING_MEMORY = ("_word_cache", "_cache", "_recent")


class UnitBatch(NamedTuple):
    """A batch of comments cut into units and encoded as the block's rows.

    An *entry* is one (unit, column) pair: a word n-gram has one learned column
    at most, a word has one per learned character n-gram cut from it.
    """

    units: list[str]  # each comment's distinct units, comment after comment
    unit_doc: np.ndarray  # the comment of each unit
    sizes: np.ndarray  # how many entries each unit has
    columns: np.ndarray  # the column of each entry, unit after unit
    cells: np.ndarray  # where each entry's column sits in `matrix.data`
    sharers: np.ndarray  # per entry: how many units of its comment have that column
    matrix: sp.csr_matrix  # the block's rows: binary, unit length


class HashedNgrams(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Binary, unit-length n-gram vectors of the `normal` text of prepared
    comments (see `classifier.features.Prepared`). No `set_output` wrapping
    (see `classifier.features`).

    `analyzer` is "word" (Unicode word tokens; the comment's text gets start
    and end markers) or "char_wb" (character n-grams inside words). `field`
    names the `Prepared` text read: "normal" (the comment) or "author_normal"
    (the author's name).
    """

    field = "normal"  # what models saved before `field` existed read

    def __init__(
        self, analyzer: str = "word", ngram_range=(1, 2), min_df: int = 1, field: str = "normal"
    ) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.field = field

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in _SCORING_MEMORY:
            state.pop(name, None)
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

    @property
    def _marked(self) -> bool:
        """Whether word units include the start and end markers."""
        return self.analyzer == "word" and self.field == "normal"

    def _text(self, prepared) -> str:
        text = getattr(prepared, self.field)
        return f"{START} {text} {END}" if self._marked else text

    def fit(self, X, y=None):  # noqa: N803 (scikit-learn's argument names)
        self._fit_hashed(X)
        return self

    def fit_transform(self, X, y=None):  # noqa: N803
        return normalize(self._compact(self._fit_hashed(X)))  # hashes the texts once

    def _fit_hashed(self, X) -> sp.csr_matrix:  # noqa: N803
        hashed = self._hasher().transform([self._text(p) for p in X]).tocsr()
        hashed.sum_duplicates()
        columns, df = np.unique(hashed.indices, return_counts=True)
        self.columns_ = columns[df >= self.min_df].astype(np.int64)
        for name in _SCORING_MEMORY:  # cached columns belong to the old fit
            self.__dict__.pop(name, None)
        return hashed

    def transform(self, X):  # noqa: N803
        if len(X) > _CACHED_BATCH:
            hashed = self._hasher().transform([self._text(p) for p in X]).tocsr()
            return normalize(self._compact(hashed))
        batch = self._encode(X)
        # the explainer asks again for the batch just scored: keep its answer
        self._recent = (X, batch)
        return batch.matrix

    @property
    def n_features_out(self) -> int:
        return len(self.columns_)

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"{self.analyzer}_{c}" for c in self.columns_], dtype=object)

    # -- units: what one comment is cut into, and their columns --------------

    def units(self, text: str) -> list[str]:
        """Distinct units of a normalised text (`field` of a comment): word n-grams for the word
        block, whitespace-separated words for the character block."""
        if self.analyzer != "word":
            return list(dict.fromkeys(text.split()))
        tokens = _TOKEN.findall(text)
        if self._marked:
            tokens = [START, *tokens, END]
        low, high = self.ngram_range
        if (low, high) == (1, 2):  # the default, on the scoring hot path
            grams = tokens + [f"{first} {second}" for first, second in pairwise(tokens)]
            return list(dict.fromkeys(grams))
        grams = []
        for n in range(low, high + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return list(dict.fromkeys(grams))

    def batch_units(self, prepared) -> UnitBatch:
        """The encoding of a batch: the one kept from `transform` when it is
        the batch just transformed, else made again (it is deterministic)."""
        recent = self.__dict__.get("_recent")
        if recent is not None and recent[0] is prepared:
            return recent[1]
        return self._encode(prepared)

    def _encode(self, prepared) -> UnitBatch:
        """Cuts a batch into units, looks up their columns, builds the rows."""
        doc_units = [self.units(getattr(p, self.field)) for p in prepared]
        units = list(chain.from_iterable(doc_units))
        unit_doc = np.repeat(np.arange(len(prepared)), list(map(len, doc_units)))
        if self.analyzer == "word":
            found = self.word_columns(units)
            known = found >= 0
            columns, sizes = found[known], known.astype(np.int64)
        else:
            columns, sizes = self.word_fragment_columns(units)
        # One sort of the entries' (comment, column) keys gives the rows'
        # sorted distinct columns and the sharers of each entry.
        width = len(self.columns_)
        key_type = np.int32 if (len(prepared) + 1) * width < 2**31 else np.int64
        entry_doc = np.repeat(unit_doc, sizes).astype(key_type)
        keys = entry_doc * key_type(width) + columns.astype(key_type)
        distinct, cells, sharers = np.unique(keys, return_inverse=True, return_counts=True)
        row_starts = np.arange(len(prepared) + 1, dtype=key_type) * key_type(width)
        indptr = np.searchsorted(distinct, row_starts).astype(key_type)
        # binary, unit length: each present column is 1 / sqrt(columns in the row)
        per_row = np.diff(indptr)
        data = np.repeat(1.0 / np.sqrt(np.maximum(per_row, 1)), per_row)
        indices = distinct - np.repeat(row_starts[:-1], per_row)
        matrix = sp.csr_matrix((data, indices, indptr), shape=(len(prepared), width))
        return UnitBatch(units, unit_doc, sizes, columns, cells, sharers[cells], matrix)

    def word_columns(self, units: list[str]) -> np.ndarray:
        """The learned column of each word n-gram (one at most), or -1 for one
        unseen in training. Plain ints in one array spare a numpy object per unit."""
        cache = self.__dict__.setdefault("_word_cache", {})
        try:
            return np.fromiter(map(cache.__getitem__, units), dtype=np.int64, count=len(units))
        except KeyError:
            pass
        found = _look_up(cache, units, self._word_gram_columns)
        return np.asarray(found, dtype=np.int64)

    def word_fragment_columns(self, units: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The learned columns of the character n-grams of each word, all in
        one array (sorted within each word), and how many each word has."""
        # Each word's columns are kept as the bytes of an int64 array: joining
        # bytes is one cheap call where concatenating arrays costs one per word.
        cache = self.__dict__.setdefault("_cache", {})
        try:
            parts = list(map(cache.__getitem__, units))
        except KeyError:
            parts = _look_up(cache, units, self._new_fragment_columns)
        columns = np.frombuffer(b"".join(parts), dtype=np.int64)
        sizes = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) // 8
        return columns, sizes

    def _new_fragment_columns(self, words: list[str]) -> list[bytes]:
        """`word_fragment_columns` of words not seen before, as bytes."""
        low, high = self.ngram_range
        # many n-grams a call: FeatureHasher's compiled loop pays for its set-up
        hasher = FeatureHasher(n_features=_N_FEATURES, input_type="string", alternate_sign=False)
        hashed = hasher.transform([_char_wb_grams(word, low, high) for word in words]).tocsr()
        learned = self.compact(hashed.indices.astype(np.int64))  # sorted within each row
        keep = learned >= 0
        data = learned[keep].tobytes()
        owner = np.repeat(np.arange(len(words)), np.diff(hashed.indptr))
        ends = np.cumsum(np.bincount(owner[keep], minlength=len(words)) * 8).tolist()
        return [data[start:end] for start, end in pairwise([0, *ends])]

    def _word_gram_columns(self, grams: list[str]) -> list[int]:
        """The learned column of each word n-gram, or -1."""
        hashed = np.fromiter(map(_hash_column, grams), dtype=np.int64, count=len(grams))
        return self.compact(hashed).tolist()

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


def _hash_column(text: str) -> int:
    """The column HashingVectorizer and FeatureHasher give `text` (signed
    MurmurHash3 of its UTF-8, seed 0, absolute value modulo the width), without
    their per-call set-up: a word n-gram is one string, and most batches have
    few new ones. A test checks both agree."""
    return abs(murmurhash3_32(text, seed=0)) % _N_FEATURES


def _char_wb_grams(word: str, low: int, high: int) -> list[str]:
    """scikit-learn's "char_wb" n-grams of one word, cut the same way (a word
    padded with a space each side; one shorter than an n gives itself once)
    with fewer Python steps. A test checks both agree."""
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:
            grams.append(padded)
            break
        grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


def _look_up(cache: dict, units: list[str], work_out) -> list:
    """Each unit's value in `cache`; those it lacks are worked out
    (`work_out(units) -> values`) and added to it."""
    missing = set(units).difference(cache)
    if len(cache) + len(missing) > _CACHE_LIMIT:
        cache.clear()
        missing = set(units)
    if missing:
        new = list(missing)
        cache.update(zip(new, work_out(new), strict=True))
    try:
        return list(map(cache.__getitem__, units))
    except KeyError:  # another scoring thread reset the cache meanwhile
        distinct = list(set(units))
        values = dict(zip(distinct, work_out(distinct), strict=True))
        return list(map(values.__getitem__, units))
