"""Training: labelled comments in, a calibrated `SpamModel` with a card out.

1. De-duplicate by normalised text first, or copies of one comment land on
   both sides of a split and every figure is inflated.
2. If `holdout` > 0: a stratified held-out share is set aside, a model is
   trained on the rest exactly as below, and its figures on the held-out
   share go into the card (`metrics.holdout`): the honest estimate.
3. The delivered model is trained on *all* the data: k-fold out-of-fold
   scores give the Platt calibration and the two thresholds (every comment is
   scored by a model that never saw it), then the linear model is refitted on
   everything. The held-out split only measures; it never changes the model,
   so `holdout=0` gives the same model faster.

The texts are normalised and the n-gram column lists learned once, on all the
de-duplicated comments, before any split. That step reads no labels (it only
notes which n-grams occur), so the held-out and out-of-fold figures stay
label-honest, and training on 100,000 comments does it once instead of twice.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy
import sklearn
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, train_test_split
from tqdm import tqdm

from classifier.calibration import (
    MAX_HAM_BLOCKED,
    MAX_SPAM_IN_APPROVED,
    choose_thresholds,
    fit_platt,
)
from classifier.data import Example, dedupe_positions
from classifier.evaluation import metrics
from classifier.features import DEFAULT_CONFIG, build_pipeline
from classifier.model import SpamModel
from classifier.normalize import dedupe_key, normal_key

FOLDS = 5
MIN_PER_CLASS = 2 * FOLDS  # fewer and some fold has no example of a class
_AUTO_MIN_DF_ABOVE = 20_000  # on large data, n-grams seen once are mostly noise and size
_FEWER_FOLDS_ABOVE = 20_000  # with this much data 3 folds calibrate as well, and faster


class TrainingError(ValueError):
    """The data cannot train a model (e.g. too few examples of a class)."""


def train(
    examples: Iterable[Example],
    *,
    seed: int = 0,
    holdout: float = 0.2,
    progress: bool | None = None,
    config: dict[str, Any] | None = None,
    max_spam_in_approved: float = MAX_SPAM_IN_APPROVED,
    max_ham_blocked: float = MAX_HAM_BLOCKED,
    source_weights: Mapping[str, float] | None = None,
) -> SpamModel:
    """Train a model; `progress=None` shows a bar on stderr, False is silent.

    The two `max_*` arguments are the targets the thresholds are chosen for.
    `source_weights` (e.g. `{"starter": 0.2}`) makes each example of a source
    count that much in the fit (others count 1); calibration and thresholds
    still treat every comment alike.
    """
    if not 0 <= holdout < 1:
        raise ValueError("holdout must be in [0, 1)")
    source_weights = dict(source_weights or {})
    if any(w <= 0 for w in source_weights.values()):
        raise ValueError("source weights must be positive")
    examples = list(examples)
    cfg = {**DEFAULT_CONFIG, **(config or {})}
    targets = {"max_spam_in_approved": max_spam_in_approved, "max_ham_blocked": max_ham_blocked}

    with tqdm(
        total=4 + (2 if holdout else 1) * (FOLDS + 1),
        desc="training",
        unit="step",
        file=sys.stderr,
        disable=progress is False,
        leave=False,
    ) as bar:
        pipeline = build_pipeline(cfg, seed=seed)
        prepared = pipeline.named_steps["prepare"].transform([e.as_comment() for e in examples])
        keys = [normal_key(p.normal) for p in prepared]
        bar.update()
        kept, stats = dedupe_positions(keys, [e.label for e in examples])
        unique = [examples[i] for i in kept]
        y = np.array([e.label for e in unique], dtype=np.int64)
        w = np.array([source_weights.get(e.source, 1.0) for e in unique])
        n_spam = int(y.sum())
        if min(n_spam, len(y) - n_spam) < MIN_PER_CLASS:
            raise TrainingError(
                f"need at least {MIN_PER_CLASS} distinct spam and ham comments, got "
                f"{n_spam} spam and {len(y) - n_spam} ham after de-duplication"
            )
        if cfg["min_df"] == "auto":
            cfg["min_df"] = 2 if len(unique) > _AUTO_MIN_DF_ABOVE else 1
            pipeline = build_pipeline(cfg, seed=seed)
        bar.update()
        X = pipeline.named_steps["features"].fit_transform([prepared[i] for i in kept]).tocsr()
        bar.update()

        folds = FOLDS if len(y) <= _FEWER_FOLDS_ABOVE else 3
        holdout_metrics = None
        if holdout:
            rows = np.arange(len(y))
            fit_rows, held_rows = train_test_split(
                rows, test_size=holdout, stratify=y, random_state=seed
            )
            trial, _ = _fit(
                pipeline, X[fit_rows], y[fit_rows], w[fit_rows], seed, folds, targets, bar
            )
            held = trial.calibration(_decision(trial, X[held_rows]))
            holdout_metrics = metrics(held, y[held_rows], trial.thresholds)
        model, oof = _fit(pipeline, X, y, w, seed, folds, targets, bar)
        bar.update()

    oof_metrics = metrics(oof, y, model.thresholds)
    model.card = _card(unique, keys, kept, stats, cfg, seed, model, folds, targets)
    model.card["data"]["source_weights"] = source_weights
    model.card["metrics"] = {
        "holdout": holdout_metrics,
        "holdout_share": holdout,
        "out_of_fold": oof_metrics,
    }
    return model


def _decision(model: SpamModel, X) -> np.ndarray:  # noqa: N803 (scikit-learn's names)
    return model.pipeline.named_steps["model"].decision_function(X)


def _fit(pipeline, X, y, w, seed, folds, targets, bar) -> tuple[SpamModel, np.ndarray]:  # noqa: N803
    """A model fitted on rows X (example weights w), and its out-of-fold
    calibrated probabilities.

    The fits run one after the other: liblinear's dual solver draws from the C
    library's global random generator, so fits on parallel threads would no
    longer be reproducible.
    """
    estimator = pipeline.named_steps["model"]
    scores = np.zeros(len(y))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, score_rows in splitter.split(X, y):
        fold_model = clone(estimator).fit(X[fit_rows], y[fit_rows], sample_weight=w[fit_rows])
        scores[score_rows] = fold_model.decision_function(X[score_rows])
        bar.update()
    calibration = fit_platt(scores, y)
    oof = calibration(scores)
    thresholds = choose_thresholds(oof, y, **targets)
    fitted = clone(pipeline)
    # the feature steps are shared: already fitted, label-free (see module doc)
    fitted.steps[0] = pipeline.steps[0]
    fitted.steps[1] = pipeline.steps[1]
    fitted.named_steps["model"].fit(X, y, sample_weight=w)
    bar.update()
    return SpamModel(fitted, calibration, thresholds), oof


def fingerprint(examples: Iterable[Example], keys: Iterable[str] | None = None) -> str:
    """sha256 over the normalised texts and labels, in a fixed order: the same
    training data gives the same fingerprint whatever the file order."""
    examples = list(examples)
    keys = [dedupe_key(e.text) for e in examples] if keys is None else list(keys)
    lines = sorted(f"{e.label}\t{k}" for e, k in zip(examples, keys, strict=True))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _card(unique, keys, kept, stats, cfg, seed, model, folds, targets) -> dict:
    import skops

    from classifier.persistence import FORMAT_VERSION

    by_source: dict[str, dict[str, int]] = {}
    for e in unique:
        entry = by_source.setdefault(e.source or "unknown", {"spam": 0, "ham": 0})
        entry["spam" if e.label == 1 else "ham"] += 1
    return {
        "version": None,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "format_version": FORMAT_VERSION,
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "skops": skops.__version__,
        },
        "seed": seed,
        "features": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items()},
        "data": {
            "fingerprint": fingerprint(unique, [keys[i] for i in kept]),
            "rows": stats.total,
            "unique": stats.kept,
            "duplicates": stats.duplicates,
            "conflicting_texts_dropped": stats.conflicts,
            "by_source": by_source,
        },
        "calibration": {
            "method": f"platt on {folds}-fold out-of-fold scores",
            "slope": model.calibration.slope,
            "intercept": model.calibration.intercept,
        },
        "thresholds": {
            "approve_below": model.thresholds.approve_below,
            "spam_from": model.thresholds.spam_from,
            "chosen_on": f"{folds}-fold out-of-fold probabilities of all training data",
            "targets": targets,
        },
    }
