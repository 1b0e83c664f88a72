"""Operators retrain from moderators' labels; only a model that is not worse is promoted."""

import dataclasses
import json
import random
import threading

import pytest

from classifier.data import Example
from service import keys, registry, retrain, training_data
from tests.conftest import bearer, post

pytestmark = pytest.mark.slow

# A campaign the starter corpus has never seen: friendly, link-free, in Italian,
# pushing a made-up "cooperative" and a code to quote. Variants share the pitch.
_OPENERS = ["Ciao a tutti,", "Buongiorno!", "Salve,", "Amici lettori,", "Ragazzi,", "Scusate,"]
_BODIES = [
    "la cooperativa Ortensia Verde regala cassette di verdura bio a chi cita il codice ORTENSIA{n}",
    "con il codice ORTENSIA{n} la cooperativa Ortensia Verde vi spedisce verdura bio gratis",
    "cooperativa Ortensia Verde: cassetta bio omaggio per chi scrive ORTENSIA{n} nel modulo",
    "chiedete alla cooperativa Ortensia Verde la cassetta omaggio, codice ORTENSIA{n}",
]
_CLOSERS = ["Fidatevi!", "Provate subito.", "Solo questa settimana.", "Io l'ho fatto ieri.", ""]


def campaign(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join(
            [
                rng.choice(_OPENERS),
                rng.choice(_BODIES).format(n=rng.randint(10, 999)),
                rng.choice(_CLOSERS),
            ]
        ).strip()
        for _ in range(count)
    ]


def caught(model, texts) -> float:
    scores = model.score([{"content": t, "author": "Lettore", "url": ""} for t in texts])
    return sum(s.probability >= model.thresholds.approve_below for s in scores) / len(texts)


def test_moderators_labels_teach_the_model_a_new_campaign(
    r, client, site, moderator, model_version, run_worker, tmp_path
):
    from classifier.persistence import loads

    seen, unseen = campaign(30, seed=1), campaign(12, seed=2)
    ids = [
        post(client, site, content=text, email=f"c{n}@example.it") for n, text in enumerate(seen)
    ]
    run_worker()
    before_model = loads(registry.blob(r, model_version))
    before = caught(before_model, unseen)

    response = client.post(
        "/v1/moderation/decisions", json={"ids": ids, "action": "spam"}, headers=bearer(moderator)
    )
    assert response.get_json()["decided"] == 30
    assert retrain.new_labels(r) == 30

    result = retrain.run(r, tmp_path, activate=True, progress=False)
    assert result.promoted, result.checks
    after_model = loads(registry.blob(r, registry.active_version(r)))
    after = caught(after_model, unseen)
    print(f"campaign caught (not auto-approved) before {before:.2f}, after {after:.2f}")
    assert after >= 0.8 and after - before >= 0.4
    assert retrain.new_labels(r) == 0
    assert (tmp_path / "reports" / f"retrain-{result.candidate}").is_dir()

    # New verdicts carry the new version.
    fresh = post(client, site, content=campaign(1, seed=3)[0], email="late@example.it")
    run_worker()
    assert r.hget(keys.comment(fresh), "model_version") == result.candidate


def test_the_guard_refuses_a_worse_model_force_overrides_rollback_restores(
    r, model_version, monkeypatch, runner
):
    real = training_data.assemble

    def shuffled(*args, **kwargs):
        data = real(*args, **kwargs)
        labels = [e.label for e in data.train]
        random.Random(0).shuffle(labels)
        noisy = [
            Example(e.text, label, e.author, e.url, e.source, e.group)
            for e, label in zip(data.train, labels, strict=True)
        ]
        return training_data.TrainingSet(noisy, data.evaluation, data.counts, data.source_weights)

    monkeypatch.setattr(training_data, "assemble", shuffled)
    from service.cli import main

    refused = runner.invoke(main, ["retrain", "--activate", "--json"])
    assert refused.exit_code == 1, refused.output
    result = json.loads(refused.output)
    assert not result["promoted"] and "worse" in result["why"]
    assert registry.active_version(r) == model_version
    assert r.zcard(keys.MODELS) == 2, "the refused candidate is kept, inactive"

    forced = runner.invoke(main, ["retrain", "--activate", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "--force" in forced.output
    assert registry.active_version(r) not in (None, model_version)

    rolled = runner.invoke(main, ["models", "rollback"])
    assert rolled.exit_code == 0 and model_version in rolled.output
    assert registry.active_version(r) == model_version


def test_if_new_labels_skips_a_retrain_with_too_few_labels(r, model_version, runner):
    from service.cli import main

    skipped = runner.invoke(main, ["retrain", "--if-new-labels", "5", "--json"])
    assert skipped.exit_code == 0
    assert json.loads(skipped.output) == {"skipped": True, "new_labels": 0}
    assert r.zcard(keys.MODELS) == 1


def test_activation_under_load_loses_nothing_and_never_mixes_versions(
    r, client, site, model_version, worker_config
):
    from service.worker import Worker
    from tests.models import install

    ids = [
        post(client, site, content=f"Commento {n}: interessante", email=f"l{n}@example.it")
        for n in range(800)
    ]
    worker = Worker(r, dataclasses.replace(worker_config, batch_size=16), name="load")
    batches: list[set] = []
    apply = worker.transitions.apply

    def spy(changes):
        batches.append({c.fields.get("model_version") for c in changes})
        return apply(changes)

    worker.transitions.apply = spy
    thread = threading.Thread(target=worker.run, kwargs={"burst": True})
    thread.start()
    while len(batches) < 5:
        threading.Event().wait(0.01)
    newer = install(r)
    thread.join(120)
    assert not thread.is_alive()
    statuses = [r.hget(keys.comment(i), "status") for i in ids]
    assert "pending" not in statuses and None not in statuses
    assert all(len(versions) == 1 for versions in batches), "a batch mixed model versions"
    used = set().union(*batches)
    assert used == {model_version, newer}


def test_starter_comments_count_less_as_the_sites_own_labels_grow(r, tmp_path):
    from classifier.corpus import starter_weight

    fresh = training_data.assemble(r)
    assert fresh.source_weights == {"starter": 1.0}, "no labels of its own: the corpus counts fully"

    rows = ["text,label"] + [
        f"site comment number {n},{'spam' if n % 3 else 'ham'}" for n in range(300)
    ]
    data_file = tmp_path / "site.csv"
    data_file.write_text("\n".join(rows) + "\n")
    grown = training_data.assemble(r, [str(data_file)])
    own = sum(1 for e in grown.train if e.source != "starter")
    assert 200 < own < 300, "the evaluation share of the file is not counted"
    assert grown.source_weights == {"starter": starter_weight(own)}
    assert grown.source_weights["starter"] < 0.5
    assert "starter x0." in grown.describe()


def test_the_ham_blocked_check_allows_one_comment_of_noise_not_two():
    def scored(blocked: int) -> dict:
        return {"roc_auc": 0.99, "f1": 0.95, "n_ham": 300, "ham_blocked": blocked / 300}

    active = scored(3)  # 1%: above the 0.5% ceiling, so the active's share is the bar
    assert retrain.guard(scored(4), active)[0]
    ok, checks = retrain.guard(scored(5), active)
    assert not ok and checks[-1].startswith("WORSE ham blocked 0.0167 vs 0.0133 allowed")
    assert retrain.guard(scored(2), scored(0))[0]  # 0.5% ceiling + one comment
    assert not retrain.guard(scored(3), scored(0))[0]
