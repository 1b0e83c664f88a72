"""Put comments in a scored state directly, for tests about what comes after."""

import json

from service import keys
from service.transitions import Change, Transitions


def give_verdict(r, comment_id: str, status: str, score: float = 0.5, reasons=None) -> None:
    record = r.hgetall(keys.comment(comment_id))
    reasons = reasons or [{"code": "SPAM_SCORE", "detail": f"score {score:.2f}"}]
    change = Change(
        record=record,
        to=status,
        fields={
            "decided_ms": 1,
            "score": f"{score:.4f}",
            "reasons": json.dumps(reasons),
            "model_version": "v-test",
        },
        audit={"who": "worker:test", "from": "pending", "to": status},
        expected="pending",
    )
    (outcome,) = Transitions(r).apply([change])
    assert outcome.result == "OK"
