"""A trained spam model: scores comments and says why.

`SpamModel` bundles the fitted scikit-learn pipeline with what training
learned around it: the Platt calibration of its scores, the two moderation
thresholds and the model card. It is what `classifier.training.train` returns
and what `classifier.persistence` saves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.pipeline import Pipeline

from classifier.calibration import Platt, Thresholds
from classifier.explain import Explainer

__all__ = ["Score", "SpamModel", "Thresholds"]


@dataclass(frozen=True, slots=True)
class Score:
    probability: float  # calibrated probability that the comment is spam
    reasons: list[str] = field(default_factory=list)  # strongest push toward spam first


def union_transform(union, prepared) -> sp.csr_matrix:
    """`FeatureUnion.transform`, without its per-call machinery (joblib,
    output wrappers): for one comment that machinery costs more than the
    features. A test checks both give the same matrix."""
    weights = union.transformer_weights or {}
    blocks = []
    for name, transformer in union.transformer_list:
        block = transformer.transform(prepared)
        weight = weights.get(name)
        blocks.append(block * weight if weight not in (None, 1.0) else block)
    return sp.hstack(blocks, format="csr")


class SpamModel:
    def __init__(
        self,
        pipeline: Pipeline,
        calibration: Platt,
        thresholds: Thresholds,
        card: dict[str, Any] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.calibration = calibration
        self.thresholds = thresholds
        self.card = card if card is not None else {}
        self._explainer: Explainer | None = None

    def probabilities(self, comments: Sequence[Mapping[str, str]]) -> np.ndarray:
        """Calibrated spam probabilities, without reasons (cheaper)."""
        if not comments:
            return np.empty(0)
        _, X = self._features(comments)
        return self.calibration(self._decision(X))

    def score(self, comments: Sequence[Mapping[str, str]]) -> list[Score]:
        """A probability and its reasons for each comment, in order.

        Each mapping needs `content`; `author` and `url` are used when present;
        context fields (`user_agent`, `referrer`, `permalink`, `lang`) are accepted
        and ignored (see `classifier.features`).
        """
        if not comments:
            return []
        prepared, X = self._features(comments)
        probabilities = self.calibration(self._decision(X))
        if self._explainer is None:
            self._explainer = Explainer(self.pipeline, self.calibration.slope)
        reasons = self._explainer.reasons(prepared, X)
        return [Score(float(p), r) for p, r in zip(probabilities.tolist(), reasons, strict=True)]

    def verdicts(self, probabilities: Sequence[float]) -> list[str]:
        """ "approve", "hold" or "spam" for each probability, at this model's thresholds."""
        return [self.thresholds.verdict(p) for p in probabilities]

    def _features(self, comments):
        for comment in comments:
            if not isinstance(comment.get("content"), str):
                raise ValueError("every comment needs a `content` string")
        with config_context(assume_finite=True):
            prepared = self.pipeline.named_steps["prepare"].transform(comments)
            X = union_transform(self.pipeline.named_steps["features"], prepared)
        return prepared, X

    def _decision(self, X) -> np.ndarray:  # noqa: N803 (scikit-learn's argument names)
        model = self.pipeline.named_steps["model"]
        return np.asarray(X @ model.coef_.ravel() + model.intercept_[0]).ravel()

    def __repr__(self) -> str:
        version = self.card.get("version")
        return f"<SpamModel version={version!r} thresholds={self.thresholds}>"
