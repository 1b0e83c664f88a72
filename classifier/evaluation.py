"""How good a model is on labelled comments, in the numbers a site cares about.

Besides the usual precision, recall, F1, MCC and ROC AUC (at p >= 0.5), the
three-way moderation outcome at the model's thresholds: how much spam is
filed as spam (`spam_caught`), how much ham is wrongly filed as spam
(`ham_blocked`), how much goes to a human (`hold_rate`) and how much spam
slips into the published comments (`spam_in_approved`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    matthews_corrcoef,
    precision_recall_fscore_support,
    roc_auc_score,
)

from classifier.calibration import Thresholds
from classifier.data import Example

__all__ = ["evaluate", "metrics", "write_comparison_report", "write_report"]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def metrics(
    probabilities: Sequence[float], labels: Sequence[int], thresholds: Thresholds
) -> dict[str, Any]:
    """All figures for spam probabilities against true labels (1 spam, 0 ham)."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    n_spam, n_ham = int(y.sum()), int(len(y) - y.sum())
    predicted = (p >= 0.5).astype(np.int64)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, predicted, average="binary", zero_division=0.0
    )
    both = n_spam > 0 and n_ham > 0
    spam = p >= thresholds.spam_from
    approve = (p < thresholds.approve_below) & ~spam
    hold = ~spam & ~approve
    confusion = {
        label: {
            "approve": int((approve & (y == value)).sum()),
            "hold": int((hold & (y == value)).sum()),
            "spam": int((spam & (y == value)).sum()),
        }
        for label, value in (("spam", 1), ("ham", 0))
    }
    return {
        "n": int(len(y)),
        "n_spam": n_spam,
        "n_ham": n_ham,
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "mcc": float(matthews_corrcoef(y, predicted)) if both else 0.0,
        "roc_auc": float(roc_auc_score(y, p)) if both else None,
        "average_precision": float(average_precision_score(y, p)) if both else None,
        "brier": float(brier_score_loss(y, p, labels=[0, 1])) if len(y) else None,
        "thresholds": {
            "approve_below": thresholds.approve_below,
            "spam_from": thresholds.spam_from,
        },
        "spam_caught": _share(confusion["spam"]["spam"], n_spam),
        "ham_blocked": _share(confusion["ham"]["spam"], n_ham),
        "hold_rate": _share(int(hold.sum()), len(y)),
        "approved_rate": _share(int(approve.sum()), len(y)),
        "spam_in_approved": _share(confusion["spam"]["approve"], int(approve.sum())),
        "confusion": confusion,
    }


def evaluate(model, examples: Sequence[Example], thresholds: Thresholds | None = None) -> dict:
    """`metrics` of `model` on `examples`, at its own thresholds unless given."""
    examples = list(examples)
    if not examples:
        raise ValueError("no examples to evaluate on")
    probabilities = model.probabilities([e.as_comment() for e in examples])
    return metrics(probabilities, [e.label for e in examples], thresholds or model.thresholds)


def write_report(model, examples: Sequence[Example], directory, title: str = "Spam model") -> Path:
    """metrics.json and pictures in `directory`; returns the directory."""
    from classifier.report import write_report as _write

    return _write(model, examples, Path(directory), title=title)


def write_comparison_report(models: dict, examples: Sequence[Example], directory) -> Path:
    """Both models' PR curves on one chart plus comparison.json; returns the directory."""
    from classifier.report import write_comparison_report as _write

    return _write(models, examples, Path(directory))
