"""From raw model scores to probabilities and the two moderation thresholds.

The linear model's decision values are turned into probabilities by Platt
scaling fitted on *out-of-fold* scores: scores of comments the model did not
train on, which are what it will meet in service. The thresholds are chosen on
the same out-of-fold probabilities for the product's two targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SPAM_IN_APPROVED = 0.01  # at most 1% spam among auto-approved comments
MAX_HAM_BLOCKED = 0.005  # at most 0.5% of ham auto-filed as spam


@dataclass(frozen=True, slots=True)
class Thresholds:
    """approve if p < approve_below; spam if p >= spam_from; else hold."""

    approve_below: float
    spam_from: float

    def verdict(self, probability: float) -> str:
        if probability >= self.spam_from:
            return "spam"
        if probability < self.approve_below:
            return "approve"
        return "hold"


@dataclass(frozen=True, slots=True)
class Platt:
    """p = 1 / (1 + exp(-(slope * score + intercept)))"""

    slope: float
    intercept: float

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        z = np.clip(self.slope * np.asarray(scores, dtype=np.float64) + self.intercept, -50, 50)
        return 1.0 / (1.0 + np.exp(-z))


def fit_platt(scores: np.ndarray, labels: np.ndarray) -> Platt:
    """Platt scaling with Platt's smoothed targets (so a perfectly separated
    fold does not yield an infinitely steep curve), by Newton's method."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    n_pos, n_neg = int(labels.sum()), int(len(labels) - labels.sum())
    target = np.where(labels == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(a * scores + b, -50, 50)))
        w = p * (1 - p) + 1e-12
        grad = np.array([np.dot(p - target, scores), np.sum(p - target)])
        hess = np.array(
            [[np.dot(w, scores * scores), np.dot(w, scores)], [np.dot(w, scores), w.sum()]]
        )
        step = np.linalg.solve(hess + 1e-9 * np.eye(2), grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return Platt(float(a), float(b))


def choose_thresholds(
    probabilities: np.ndarray,
    labels: np.ndarray,
    *,
    max_spam_in_approved: float = MAX_SPAM_IN_APPROVED,
    max_ham_blocked: float = MAX_HAM_BLOCKED,
) -> Thresholds:
    """The widest approve and spam bands that meet both targets on this data.

    approve_below: the highest cut such that, among comments below it, the share
    of spam is at most `max_spam_in_approved`. spam_from: the lowest cut such that
    the share of ham at or above it is at most `max_ham_blocked`. If the bands
    would overlap, approve_below is lowered to spam_from.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels)
    order = np.argsort(p, kind="stable")
    ps, ys = p[order], y[order]
    # approving the k lowest scores; a cut must fall between distinct scores
    spam_share = np.cumsum(ys) / np.arange(1, len(ys) + 1)
    distinct = np.append(ps[1:] > ps[:-1], True)
    ok = np.flatnonzero((spam_share <= max_spam_in_approved) & distinct)
    if len(ok):
        k = ok[-1]
        approve_below = float((ps[k] + ps[k + 1]) / 2) if k + 1 < len(ps) else 1.0
    else:
        approve_below = 0.0
    ham = np.sort(p[y == 0])[::-1]
    allowed = int(np.floor(max_ham_blocked * len(ham) + 1e-9))
    if allowed >= len(ham):
        spam_from = 0.0
    else:
        spam_from = float(np.nextafter(ham[allowed], np.inf))
        # ties: every ham at that score would be blocked, so step above them
        spam_from = min(spam_from, 1.0)
    return Thresholds(approve_below=min(approve_below, spam_from), spam_from=spam_from)
