"""Evaluation reports on disk: metrics JSON plus pictures an operator can read.

Pictures (matplotlib, Agg backend: no display needed on a server):

- `precision_recall.png`: the precision-recall curve;
- `score_histogram.png`: spam probabilities per true class, with the approve
  and spam thresholds drawn;
- `confusion.png`: true class x verdict (approve / hold / spam) at the
  model's thresholds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 (the backend must be chosen first)
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from classifier.data import Example  # noqa: E402
from classifier.evaluation import metrics  # noqa: E402


def _scores(model, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    p = model.probabilities([e.as_comment() for e in examples])
    return np.asarray(p), np.array([e.label for e in examples])


def write_report(model, examples: Sequence[Example], directory: Path, title: str) -> Path:
    examples = list(examples)
    if not examples:
        raise ValueError("no examples to report on")
    directory.mkdir(parents=True, exist_ok=True)
    p, y = _scores(model, examples)
    result = metrics(p, y, model.thresholds)
    result["title"] = title
    result["model"] = {"version": model.card.get("version"), "created": model.card.get("created")}
    (directory / "metrics.json").write_text(json.dumps(result, indent=2, sort_keys=True))
    _precision_recall({title: (p, y)}, directory / "precision_recall.png", title)
    _histogram(p, y, model.thresholds, directory / "score_histogram.png", title)
    _confusion(result["confusion"], directory / "confusion.png", title)
    return directory


def write_comparison_report(
    models: Mapping[str, object], examples: Sequence[Example], directory: Path
) -> Path:
    examples = list(examples)
    if not examples:
        raise ValueError("no examples to compare on")
    directory.mkdir(parents=True, exist_ok=True)
    curves, comparison = {}, {}
    for name, model in models.items():
        p, y = _scores(model, examples)
        curves[name] = (p, y)
        comparison[name] = metrics(p, y, model.thresholds)
        comparison[name]["version"] = model.card.get("version")
    (directory / "comparison.json").write_text(json.dumps(comparison, indent=2, sort_keys=True))
    _precision_recall(curves, directory / "precision_recall.png", "Model comparison")
    return directory


def _precision_recall(curves, path: Path, title: str) -> None:
    fig, ax = plt.subplots(figsize=(6, 5))
    for name, (p, y) in curves.items():
        if 0 < y.sum() < len(y):
            precision, recall, _ = precision_recall_curve(y, p)
            ax.plot(recall, precision, label=name)
    ax.set(xlabel="recall (share of spam caught)", ylabel="precision", title=title)
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=0.3)
    if curves:
        ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _histogram(p, y, thresholds, path: Path, title: str) -> None:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    bins = np.linspace(0, 1, 41)
    ax.hist(p[y == 0], bins=bins, alpha=0.6, label="ham", color="tab:green")
    ax.hist(p[y == 1], bins=bins, alpha=0.6, label="spam", color="tab:red")
    ax.axvline(thresholds.approve_below, color="black", linestyle="--", label="approve below")
    ax.axvline(thresholds.spam_from, color="black", linestyle=":", label="spam from")
    ax.set(xlabel="spam probability", ylabel="comments", title=title)
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _confusion(confusion: dict, path: Path, title: str) -> None:
    verdicts, classes = ["approve", "hold", "spam"], ["ham", "spam"]
    table = np.array([[confusion[c][v] for v in verdicts] for c in classes])
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.imshow(table, cmap="Blues")
    ax.set_xticks(range(3), verdicts)
    ax.set_yticks(range(2), [f"true {c}" for c in classes])
    for (i, j), count in np.ndenumerate(table):
        colour = "white" if count > table.max() / 2 else "black"
        ax.text(j, i, str(count), ha="center", va="center", color=colour)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
