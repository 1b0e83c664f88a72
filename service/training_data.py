"""What a retrain learns from and is judged on.

Sources: the starter corpus, operator data files, and moderators' labels; a
moderator's label overrides the same text (normalised) from any other source.
The evaluation set is the newest share of moderator labels (what the site sees
now) plus a fixed share of everything else, chosen by a hash of the text so the
same comment lands on the same side in every retrain. Starter comments count
less in the fit as the site's own labelled comments grow
(`classifier.corpus.starter_weight`).
"""

import hashlib
import json
from dataclasses import dataclass

import redis

from classifier.data import HAM, SPAM, Example, dedupe, load_examples
from classifier.normalize import dedupe_key
from service import keys

EVAL_SHARE = 0.2


@dataclass(frozen=True)
class TrainingSet:
    train: list[Example]
    evaluation: list[Example]
    counts: dict  # per source: examples used
    source_weights: dict  # per source: how much one example counts in the fit (default 1)

    def describe(self) -> str:
        parts = [f"{source} {n}" for source, n in sorted(self.counts.items())]
        weights = [f"{source} x{w:.2f}" for source, w in sorted(self.source_weights.items())]
        return (
            f"{len(self.train)} training and {len(self.evaluation)} evaluation examples "
            f"({', '.join(parts)}; weighted {', '.join(weights)})"
        )


def moderator_examples(r: redis.Redis) -> list[Example]:
    """Moderators' labels, oldest first."""
    labels = [json.loads(raw) for raw in r.hvals(keys.MODERATION_LABELS)]
    labels.sort(key=lambda label: label["time"])
    return [
        Example(
            text=label["comment"].get("content", ""),
            label=SPAM if label["label"] == "spam" else HAM,
            author=label["comment"].get("author", ""),
            url=label["comment"].get("url", ""),
            source="moderator",
            group=label["site"],
        )
        for label in labels
        if label["comment"].get("content")
    ]


def assemble(r: redis.Redis, data_files: list[str] = ()) -> TrainingSet:
    from classifier.corpus import SOURCE, load_starter_corpus, starter_weight

    moderated = dedupe(moderator_examples(r)[::-1])[::-1]  # the latest label of a text wins
    overridden = {dedupe_key(example.text) for example in moderated}
    others = load_starter_corpus() + (load_examples(data_files) if data_files else [])
    others = dedupe([e for e in others if dedupe_key(e.text) not in overridden])

    newest = max(1, round(len(moderated) * EVAL_SHARE)) if len(moderated) >= 5 else 0
    train_mod, eval_mod = moderated[: len(moderated) - newest], moderated[len(moderated) - newest :]
    train_rest = [e for e in others if not _held_out(e)]
    eval_rest = [e for e in others if _held_out(e)]
    counts: dict[str, int] = {}
    for example in moderated + others:
        counts[example.source] = counts.get(example.source, 0) + 1
    train = train_rest + train_mod
    own = sum(1 for example in train if example.source != SOURCE)
    return TrainingSet(train, eval_rest + eval_mod, counts, {SOURCE: starter_weight(own)})


def starter_training_examples() -> list[Example]:
    """The starter corpus less its fixed held-out share: what the default model
    learns from, so a later retrain can compare it with a candidate on data
    neither has seen."""
    from classifier.corpus import load_starter_corpus

    return [e for e in dedupe(load_starter_corpus()) if not _held_out(e)]


def _held_out(example: Example) -> bool:
    digest = hashlib.sha256(dedupe_key(example.text).encode()).digest()
    return digest[0] < 256 * EVAL_SHARE
