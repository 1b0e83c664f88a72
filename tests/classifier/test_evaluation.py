import json

import pytest

from classifier.calibration import Thresholds
from classifier.evaluation import evaluate, metrics, write_comparison_report, write_report


def test_metrics_by_hand():
    p = [0.01, 0.02, 0.5, 0.6, 0.95, 0.99, 0.97, 0.03]
    y = [0, 0, 0, 1, 1, 1, 0, 1]
    m = metrics(p, y, Thresholds(approve_below=0.1, spam_from=0.9))
    assert m["n"] == 8 and m["n_spam"] == 4 and m["n_ham"] == 4
    assert m["confusion"] == {
        "spam": {"approve": 1, "hold": 1, "spam": 2},
        "ham": {"approve": 2, "hold": 1, "spam": 1},
    }
    assert m["spam_caught"] == 0.5 and m["ham_blocked"] == 0.25
    assert m["hold_rate"] == 0.25 and m["spam_in_approved"] == pytest.approx(1 / 3)
    assert m["precision"] == 0.6 and m["recall"] == 0.75  # at p >= 0.5


def test_evaluate_on_training_data(model, youtube):
    result = evaluate(model, youtube)
    assert result["roc_auc"] > 0.99 and result["n"] == 1586
    other = evaluate(model, youtube, Thresholds(0.0, 1.0))
    assert other["hold_rate"] > 0.99


def test_reports(model, youtube, tmp_path):
    out = write_report(model, youtube[:300], tmp_path / "report", title="YouTube")
    assert json.loads((out / "metrics.json").read_text())["title"] == "YouTube"
    for name in ("precision_recall.png", "score_histogram.png", "confusion.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    out = write_comparison_report({"active": model, "candidate": model}, youtube, tmp_path / "cmp")
    comparison = json.loads((out / "comparison.json").read_text())
    assert comparison["active"]["roc_auc"] == comparison["candidate"]["roc_auc"]
    assert (out / "precision_recall.png").stat().st_size > 1000
