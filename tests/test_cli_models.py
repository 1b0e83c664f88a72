"""`vaglio train | evaluate | models`: the operator's model commands end to end."""

import json
from pathlib import Path

import pytest

from service import registry
from service.cli import main

pytestmark = pytest.mark.slow

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "youtube-spam-collection"


def youtube(*names):
    paths = [SHARED / name for name in names]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, f"the shared data set is missing: {missing}"
    return [str(p) for p in paths]


def test_train_stores_reports_and_lists_a_model(r, runner, config_overrides):
    files = youtube("Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv")
    trained = runner.invoke(main, ["train", *files, "--json"])
    assert trained.exit_code == 0, trained.output
    result = json.loads(trained.output)
    assert result["version"] == "v1" and not result["active"]
    assert result["metrics"]["roc_auc"] > 0.95 and 0 < result["metrics"]["n"] < 1200
    report = Path(result["report"])
    assert {p.name for p in report.iterdir()} >= {
        "metrics.json",
        "precision_recall.png",
        "score_histogram.png",
        "confusion.png",
    }
    assert report.is_relative_to(config_overrides["data_dir"])
    card = registry.card(r, "v1")
    assert card["data_files"] == [Path(f).name for f in files]
    assert card["metrics"]["holdout"]["n"] == result["metrics"]["n"]

    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 0 and "v1" in listed.output and "vaglio train" in listed.output

    activated = runner.invoke(main, ["models", "activate", "v1"])
    assert activated.exit_code == 0 and registry.active_version(r) == "v1"
    evaluated = runner.invoke(main, ["evaluate", *youtube("Youtube04-Eminem.csv"), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    metrics = json.loads(evaluated.output)["metrics"]
    assert metrics["n"] > 300 and metrics["roc_auc"] > 0.9


def test_bad_data_is_reported_with_file_and_line(runner, tmp_path, r):
    bad = tmp_path / "labels.csv"
    bad.write_text("text,label\nciao,ham\nbuy now,maybe\n")
    result = runner.invoke(main, ["train", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}:3:" in result.output
    assert registry.versions(r) == []


def test_unknown_versions_are_clear_errors(runner, r):
    assert "No model version 'v9'" in runner.invoke(main, ["models", "activate", "v9"]).output
    no_model = runner.invoke(main, ["evaluate", __file__])
    assert no_model.exit_code != 0 and "no active model" in no_model.output
    rollback = runner.invoke(main, ["models", "rollback"])
    assert rollback.exit_code != 0 and "No earlier active version" in rollback.output
