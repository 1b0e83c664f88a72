"""Quality benchmark: leave-one-video-out on the YouTube Spam Collection.

    .venv/bin/python bench/quality.py [--data DIR] [--json FILE]

For each of the four files: train on the other three (de-duplicated by
normalised text across all four first), score the held-out file and apply the
thresholds the model chose on its own out-of-fold training scores. Printed
beside it: a plain TF-IDF (word 1-2 + char 2-5 grams) logistic regression
given the very same calibration and threshold procedure, our model without
its spam-phrase families (to show what they add), and our model with the
starter corpus added to each training set, weighted as a retrain weighs it
(`classifier.corpus.starter_weight`: how the product trains). Then the
starter-corpus-only model scored on all four files.

"oracle hold" is the hold rate that thresholds chosen on the test file itself
would need to meet both targets exactly: a property of the ranking, free of
threshold transfer error. The reference "must hold 29% to meet the same
targets" is of this kind, so the hold target (<= 15%) is judged on it. The
hold rate and error rates at the thresholds chosen on the training files are
printed too: how far thresholds carry over to a video the model never saw.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_union

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifier.calibration import choose_thresholds, fit_platt  # noqa: E402
from classifier.corpus import starter_weight  # noqa: E402
from classifier.data import dedupe, load_examples  # noqa: E402
from classifier.evaluation import evaluate, metrics  # noqa: E402
from classifier.training import train  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/youtube-spam-collection"
TARGETS = {"f1": 0.95, "roc_auc": 0.99, "hold_rate": 0.15, "starter_roc_auc": 0.90}
COLUMNS = ("f1", "mcc", "roc_auc", "hold_rate", "spam_in_approved", "ham_blocked", "spam_caught")


class Baseline:
    """TF-IDF word 1-2 + char 2-5 grams, logistic regression; calibrated and
    thresholded exactly like our model so that only the features differ."""

    def __init__(self, train_examples, seed=0):
        texts = [e.text for e in train_examples]
        y = np.array([e.label for e in train_examples])
        self.vectorizer = make_union(
            TfidfVectorizer(ngram_range=(1, 2)),
            TfidfVectorizer(analyzer="char", ngram_range=(2, 5)),
        )
        X = self.vectorizer.fit_transform(texts)
        scores = np.zeros(len(y))
        for fit_rows, score_rows in StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y):
            fold = LogisticRegression(C=10, solver="liblinear").fit(X[fit_rows], y[fit_rows])
            scores[score_rows] = fold.decision_function(X[score_rows])
        self.calibration = fit_platt(scores, y)
        self.thresholds = choose_thresholds(self.calibration(scores), y)
        self.model = LogisticRegression(C=10, solver="liblinear").fit(X, y)

    def probabilities(self, comments):
        X = self.vectorizer.transform([c["content"] for c in comments])
        return self.calibration(self.model.decision_function(X))


def oracle_hold(probabilities, labels) -> float:
    thresholds = choose_thresholds(probabilities, labels)
    return metrics(probabilities, labels, thresholds)["hold_rate"]


def leave_one_file_out(examples, name, make_model):
    groups = sorted({e.group for e in examples})
    rows = {}
    for group in groups:
        train_part = [e for e in examples if e.group != group]
        test_part = [e for e in examples if e.group == group]
        model = make_model(train_part)
        result = evaluate(model, test_part)
        p = model.probabilities([e.as_comment() for e in test_part])
        result["oracle_hold"] = oracle_hold(p, [e.label for e in test_part])
        rows[group] = result
    mean = {k: float(np.mean([r[k] for r in rows.values()])) for k in (*COLUMNS, "oracle_hold")}
    return {"name": name, "files": rows, "mean": mean}


def print_table(results) -> None:
    head = f"{'model':34s} {'file':20s}" + "".join(f"{c[:12]:>13s}" for c in COLUMNS)
    print(head + f"{'oracle hold':>13s}")
    for result in results:
        for group, row in [*result["files"].items(), ("MEAN", result["mean"])]:
            cells = "".join(f"{row[c]:13.4f}" for c in (*COLUMNS, "oracle_hold"))
            print(f"{result['name']:34s} {group:20s}{cells}")
        print()


def load_corpus() -> tuple[list, str]:
    """The starter corpus and a note on it ([] if it is not there)."""
    try:
        from classifier.corpus import load_starter_corpus
    except ImportError:
        return [], "starter corpus not available yet (classifier.corpus missing)"
    try:
        corpus = load_starter_corpus()
    except Exception as error:  # a half-written corpus must not hide the other figures
        return [], f"starter corpus could not be loaded: {error}"
    return corpus, (f"{len(corpus)} starter comments" if corpus else "starter corpus is empty")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    files = sorted(args.data.glob("*.csv"))
    if not files:
        print(f"no CSV files in {args.data}", file=sys.stderr)
        return 2
    rows = load_examples(files)
    youtube = dedupe(rows)
    print(f"{len(rows)} rows, {len(youtube)} after de-duplication, {len(files)} files\n")

    results = [
        leave_one_file_out(youtube, "vaglio", lambda ex: train(ex, holdout=0, progress=False)),
        leave_one_file_out(youtube, "baseline tf-idf + LR", Baseline),
        leave_one_file_out(
            youtube,
            "vaglio without phrase families",
            lambda ex: train(ex, holdout=0, progress=False, config={"cue_weight": 0.0}),
        ),
    ]
    corpus, note = load_corpus()
    if corpus:
        results.append(
            leave_one_file_out(
                youtube,
                "vaglio + starter corpus in training",
                lambda ex: train(
                    [*ex, *corpus],
                    holdout=0,
                    progress=False,
                    source_weights={"starter": starter_weight(len(ex))},
                ),
            )
        )
    print_table(results)

    starter = evaluate(train(corpus, progress=False, holdout=0), youtube) if corpus else None
    print(f"starter-corpus-only model on all {len(youtube)} YouTube comments: {note}")
    if starter:
        print("  " + "  ".join(f"{c} {starter[c]:.4f}" for c in COLUMNS))

    ours = results[0]["mean"]
    print("\ntargets (vaglio, mean over the four files):")
    print(f"  F1 >= {TARGETS['f1']}: {ours['f1']:.4f} {verdict(ours['f1'] >= TARGETS['f1'])}")
    print(
        f"  ROC AUC >= {TARGETS['roc_auc']}: {ours['roc_auc']:.4f} "
        f"{verdict(ours['roc_auc'] >= TARGETS['roc_auc'])}"
    )
    base = results[1]["mean"]
    print(
        f"  hold rate <= {TARGETS['hold_rate']} at the two targets (oracle hold): "
        f"{ours['oracle_hold']:.4f} {verdict(ours['oracle_hold'] <= TARGETS['hold_rate'])} "
        f"(baseline in this run: {base['oracle_hold']:.4f})"
    )
    print(
        f"  at the thresholds each model chose on its own training files: hold "
        f"{ours['hold_rate']:.4f}, spam in approved {ours['spam_in_approved']:.4f} (target 0.01), "
        f"ham blocked {ours['ham_blocked']:.4f} (target 0.005): threshold transfer to an "
        "unseen video, reported, not judged"
    )
    if starter:
        ok = starter["roc_auc"] >= TARGETS["starter_roc_auc"]
        print(
            f"  starter-only ROC AUC >= {TARGETS['starter_roc_auc']}: "
            f"{starter['roc_auc']:.4f} {verdict(ok)}"
        )
    else:
        print(f"  starter-only ROC AUC >= {TARGETS['starter_roc_auc']}: NOT RUN ({note})")
    print(f"\n{time.perf_counter() - started:.0f} s")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"results": results, "starter": starter}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
