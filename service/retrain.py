"""`vaglio retrain`: learn from moderators' labels, promote only a model that is
not worse than the active one on the same evaluation set.

The promotion rule (README, "Retraining"): on the evaluation set, the candidate
must have
  - ROC AUC  >= active's - AUC_SLACK,
  - F1       >= active's - F1_SLACK,
  - ham blocked (share of ham filed as spam) <= max(active's, HAM_BLOCKED_CEILING)
    plus one ham comment: on a few hundred ham, one comment is noise (the
    other two checks have their slack for the same reason).
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from service import keys, registry, training_data

AUC_SLACK = 0.005
F1_SLACK = 0.01
HAM_BLOCKED_CEILING = 0.005
COMPARED = ("f1", "roc_auc", "spam_caught", "ham_blocked", "hold_rate", "precision", "recall")


@dataclass
class RetrainResult:
    candidate: str
    active_before: str | None
    metrics: dict  # {"candidate": {...}, "active": {...}}
    promoted: bool
    forced: bool
    why: str
    report: str
    data: str
    seconds: float
    checks: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def guard(candidate: dict, active: dict | None) -> tuple[bool, list[str]]:
    """(not worse?, the checks in words)."""
    if active is None:
        return True, ["no active model to compare with"]
    one_ham = 1 / candidate["n_ham"] if candidate["n_ham"] else 0.0
    ham_allowed = max(active["ham_blocked"], HAM_BLOCKED_CEILING) + one_ham
    checks = [
        (
            candidate["roc_auc"] >= active["roc_auc"] - AUC_SLACK,
            f"ROC AUC {candidate['roc_auc']:.4f} vs {active['roc_auc']:.4f} (slack {AUC_SLACK})",
        ),
        (
            candidate["f1"] >= active["f1"] - F1_SLACK,
            f"F1 {candidate['f1']:.4f} vs {active['f1']:.4f} (slack {F1_SLACK})",
        ),
        (
            candidate["ham_blocked"] <= ham_allowed + 1e-12,
            f"ham blocked {candidate['ham_blocked']:.4f} vs {ham_allowed:.4f} allowed "
            f"(slack one of {candidate['n_ham']} ham)",
        ),
    ]
    return all(ok for ok, _ in checks), [
        ("ok   " if ok else "WORSE ") + text for ok, text in checks
    ]


def new_labels(r: redis.Redis) -> int:
    return int(r.get(keys.LABELS_COUNTER) or 0) - int(r.get(keys.LABELS_AT_RETRAIN) or 0)


def run(
    r: redis.Redis,
    data_dir: Path,
    *,
    data_files: list[str] = (),
    activate: bool = False,
    force: bool = False,
    progress=None,
    on_step=lambda step: None,
) -> RetrainResult:
    from classifier.evaluation import evaluate, write_comparison_report
    from classifier.persistence import ModelLoadError, dumps, loads
    from classifier.training import train

    started = time.monotonic()
    labels_seen = r.get(keys.LABELS_COUNTER) or "0"
    on_step("assembling training data")
    data = training_data.assemble(r, list(data_files))
    on_step(f"training on {data.describe()}")
    candidate = train(data.train, seed=0, progress=progress, source_weights=data.source_weights)
    active_version = registry.active_version(r)
    active, unusable = None, None
    if active_version:
        try:
            active = loads(registry.blob(r, active_version))
        except ModelLoadError as error:  # e.g. made with another scikit-learn
            unusable = f"the active model {active_version} cannot be loaded here: {error}"

    on_step("evaluating candidate and active model")
    metrics = {"candidate": evaluate(candidate, data.evaluation)}
    if active is not None:
        metrics["active"] = evaluate(active, data.evaluation)
    not_worse, checks = guard(metrics["candidate"], metrics.get("active"))
    if unusable:
        checks = [f"{unusable}; nothing to compare with"]

    card = {**candidate.card, "origin": "retrain", "evaluation": metrics}
    version = registry.store(r, dumps(candidate), card)
    report_dir = Path(data_dir) / "reports" / f"retrain-{version}"
    models = (
        {"candidate": candidate} if active is None else {"active": active, "candidate": candidate}
    )
    report = write_comparison_report(models, data.evaluation, report_dir)

    promoted = False
    if activate and (not_worse or force):
        registry.activate(r, version)
        promoted = True
    if not_worse:
        why = "the candidate is not worse than the active model"
    else:
        why = "the candidate is worse than the active model"
        if force and activate:
            why += "; activated anyway because of --force"
    r.set(keys.LABELS_AT_RETRAIN, labels_seen)
    return RetrainResult(
        candidate=version,
        active_before=active_version,
        metrics=metrics,
        promoted=promoted,
        forced=bool(force and activate and not not_worse),
        why=why,
        report=str(report),
        data=data.describe(),
        seconds=round(time.monotonic() - started, 1),
        checks=checks,
    )


def comparison_table(metrics: dict) -> str:
    names = list(metrics)
    lines = ["metric        " + "".join(f"{name:>12}" for name in names)]
    for metric in COMPARED:
        row = "".join(f"{metrics[name].get(metric, float('nan')):>12.4f}" for name in names)
        lines.append(f"{metric:<14}{row}")
    return "\n".join(lines)
