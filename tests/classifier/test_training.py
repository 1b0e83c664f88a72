import json

import numpy as np
import pytest

from classifier.calibration import choose_thresholds, fit_platt
from classifier.data import Example, dedupe
from classifier.training import TrainingError, fingerprint, train


def test_same_data_and_seed_give_the_same_model(youtube):
    first = train(youtube, seed=3, holdout=0, progress=False)
    again = train(list(youtube), seed=3, holdout=0, progress=False)
    comments = [e.as_comment() for e in youtube[:300]]
    assert first.score(comments) == again.score(comments)
    assert first.thresholds == again.thresholds
    assert first.card["data"]["fingerprint"] == again.card["data"]["fingerprint"]


def test_fingerprint_ignores_order_and_duplicates(youtube):
    unique = dedupe(youtube)
    assert fingerprint(unique) == fingerprint(list(reversed(unique)))
    assert fingerprint(unique) != fingerprint(unique[1:])


def test_holdout_only_measures(model, youtube):
    without = train(youtube, seed=0, holdout=0, progress=False)
    comments = [e.as_comment() for e in youtube[:200]]
    assert without.probabilities(comments).tolist() == model.probabilities(comments).tolist()
    assert without.card["metrics"]["holdout"] is None
    assert model.card["metrics"]["holdout"]["n"] == round(0.2 * len(dedupe(youtube)))


def test_card(model, youtube):
    card = json.loads(json.dumps(model.card))
    assert card["version"] is None
    assert card["data"]["rows"] == 1586 and card["data"]["unique"] == 1388
    assert card["data"]["by_source"] == {"youtube": {"spam": 679, "ham": 709}}
    assert card["data"]["fingerprint"] == fingerprint(dedupe(youtube))
    assert card["thresholds"]["approve_below"] == model.thresholds.approve_below
    assert set(card["libraries"]) >= {"scikit-learn", "numpy", "scipy", "skops", "python"}
    holdout = card["metrics"]["holdout"]
    assert holdout["roc_auc"] > 0.97 and holdout["f1"] > 0.9
    assert card["seed"] == 0 and card["features"]["C"] > 0


def test_too_few_examples():
    few = [Example(f"spam {i}", 1) for i in range(5)] + [Example(f"ham {i}", 0) for i in range(50)]
    with pytest.raises(TrainingError, match="at least 10 distinct spam and ham"):
        train(few, progress=False)


def test_progress_false_is_silent(youtube, capsys):
    train(youtube[:400], holdout=0, progress=False)
    assert capsys.readouterr().err == ""


def test_thresholds_meet_targets_on_their_data():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(500, int), np.zeros(1000, int)]
    p = np.clip(np.r_[rng.beta(5, 1, 500), rng.beta(1, 5, 1000)], 0, 1)
    t = choose_thresholds(p, y)
    approved, spam = p < t.approve_below, p >= t.spam_from
    assert y[approved].mean() <= 0.01
    assert spam[y == 0].mean() <= 0.005
    assert t.approve_below <= t.spam_from


def test_platt_is_monotone_and_calibrated():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=5000)
    labels = (rng.random(5000) < 1 / (1 + np.exp(-2 * scores))).astype(int)
    platt = fit_platt(scores, labels)
    assert platt.slope == pytest.approx(2, rel=0.15)
    p = platt(np.sort(scores))
    assert np.all(np.diff(p) >= 0)


def test_source_weights_scale_what_a_source_teaches(youtube):
    from classifier.corpus import HALF_WEIGHT_AT, load_starter_corpus, starter_weight

    starter = load_starter_corpus()
    data = [*youtube, *starter]
    plain = train(data, holdout=0, progress=False)
    ones = train(data, holdout=0, progress=False, source_weights={"starter": 1.0})
    light = train(data, holdout=0, progress=False, source_weights={"starter": 0.05})
    # written for the starter corpus, nothing like the YouTube comments
    casino = [e.as_comment() for e in starter if e.label == 1 and e.group == "it"][:200]
    assert ones.probabilities(casino).tolist() == plain.probabilities(casino).tolist()
    assert light.probabilities(casino).mean() < plain.probabilities(casino).mean() - 0.03
    assert light.card["data"]["source_weights"] == {"starter": 0.05}
    assert plain.card["data"]["source_weights"] == {}

    assert starter_weight(0) == 1.0
    assert starter_weight(HALF_WEIGHT_AT) == 0.5
    assert starter_weight(1000) < starter_weight(999) < 1
    with pytest.raises(ValueError, match="positive"):
        train(data, progress=False, source_weights={"starter": 0})
