"""Moderators' JSON API: the queue, decisions, corrections, labels, audit."""

import json

import pytest

from service import keys
from tests.conftest import bearer, post
from tests.scored import give_verdict


@pytest.fixture
def held(r, client, site):
    ids = []
    for n, score in enumerate([0.4, 0.8, 0.6]):
        comment_id = post(client, site, content=f"Forse spam {n}", email=f"h{n}@example.it")
        give_verdict(r, comment_id, "held", score)
        ids.append(comment_id)
    return ids


def queue(client, token, **params):
    response = client.get("/v1/moderation/queue", query_string=params, headers=bearer(token))
    return response


def test_roles(client, site, moderator, operator, held):
    assert queue(client, site).status_code == 403
    assert client.get("/v1/moderation/queue").status_code == 401
    assert queue(client, moderator).status_code == 200
    assert queue(client, operator).status_code == 200
    response = client.post(
        f"/v1/comments/{held[0]}/decision", json={"action": "approve"}, headers=bearer(site)
    )
    assert response.status_code == 403


def test_queue_lists_held_oldest_first_with_moderator_fields(client, moderator, held):
    body = queue(client, moderator).get_json()
    assert [c["id"] for c in body["comments"]] == held
    first = body["comments"][0]
    assert first["email_masked"] == "h***@e******.it"  # two-letter local part
    assert first["author_history"] == {"approved": 0, "held": 1, "spam": 0, "rejected": 0}
    assert "email" not in first and "email_hash" not in first


def test_queue_sorts_by_score_and_paginates(client, moderator, held):
    by_score = queue(client, moderator, sort="score", limit=2).get_json()
    assert [c["id"] for c in by_score["comments"]] == [held[1], held[2]]
    rest = queue(client, moderator, sort="score", limit=2, cursor=by_score["next_cursor"])
    assert [c["id"] for c in rest.get_json()["comments"]] == [held[0]]


def test_queue_newest_first_pages_backwards(client, moderator, held):
    first = queue(client, moderator, sort="newest", limit=2).get_json()
    assert [c["id"] for c in first["comments"]] == [held[2], held[1]]
    rest = queue(client, moderator, sort="newest", limit=2, cursor=first["next_cursor"])
    assert [c["id"] for c in rest.get_json()["comments"]] == [held[0]]


def test_queue_filters(client, site, moderator, held, r):
    other = post(client, site, thread="altro", content="altro thread", email="o@example.it")
    give_verdict(r, other, "held")
    only = queue(client, moderator, thread="altro").get_json()["comments"]
    assert [c["id"] for c in only] == [other]
    assert queue(client, moderator, site="nope").get_json()["comments"] == []
    assert queue(client, moderator, status="bogus").status_code == 422
    assert queue(client, moderator, sort="random").status_code == 422


def test_queue_of_one_author(r, client, site, moderator, held):
    """A burst from one address, among others: its comments alone, paged in order."""
    burst = []
    for n, score in enumerate([0.5, 0.9, 0.7]):
        comment_id = post(client, site, content=f"Offerta {n}", email="burst@example.org")
        give_verdict(r, comment_id, "held", score)
        burst.append(comment_id)
    spam = post(client, site, content="Offerta finale", email="burst@example.org")
    give_verdict(r, spam, "spam", 0.99)

    oldest = queue(client, moderator, author_of=burst[1]).get_json()
    assert [c["id"] for c in oldest["comments"]] == burst
    assert {c["author_history"]["held"] for c in oldest["comments"]} == {3}
    first = queue(client, moderator, author_of=burst[0], sort="score", limit=2).get_json()
    assert [c["id"] for c in first["comments"]] == [burst[1], burst[2]]
    rest = queue(
        client, moderator, author_of=burst[0], sort="score", limit=2, cursor=first["next_cursor"]
    ).get_json()
    assert [c["id"] for c in rest["comments"]] == [burst[0]] and rest["next_cursor"] is None
    in_spam = queue(client, moderator, author_of=burst[0], status="spam").get_json()
    assert [c["id"] for c in in_spam["comments"]] == [spam]
    assert [
        c["id"] for c in queue(client, moderator, author_of=held[0]).get_json()["comments"]
    ] == [held[0]]
    unknown = queue(client, moderator, author_of="no-such-comment")
    assert unknown.status_code == 422 and "author_of" in unknown.get_json()["errors"]


def test_approve_publishes_labels_ham_and_audits(r, client, site, moderator, held):
    response = client.post(
        f"/v1/comments/{held[0]}/decision",
        json={"action": "approve", "note": "ok"},
        headers=bearer(moderator),
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": held[0],
        "result": "ok",
        "previous": "held",
        "status": "approved",
    }
    listing = client.get("/v1/threads/articolo-1/comments", headers=bearer(site)).get_json()
    assert [c["id"] for c in listing["comments"]] == [held[0]]
    label = json.loads(r.hget(keys.MODERATION_LABELS, held[0]))
    assert label["label"] == "ham" and label["source"] == "moderator"
    assert label["comment"]["content"] == "Forse spam 0"
    trail = client.get(f"/v1/comments/{held[0]}", headers=bearer(moderator)).get_json()["audit"]
    assert trail[-1]["from"] == "held" and trail[-1]["to"] == "approved"
    assert trail[-1]["note"] == "ok" and trail[-1]["who"].startswith("moderator:")
    comment = client.get(f"/v1/comments/{held[0]}", headers=bearer(site)).get_json()
    assert comment["reasons"][0]["code"] == "MODERATOR"


def test_correction_out_of_approved_removes_from_thread_and_relabels(
    r, client, site, moderator, held
):
    client.post(
        f"/v1/comments/{held[0]}/decision", json={"action": "approve"}, headers=bearer(moderator)
    )
    response = client.post(
        f"/v1/comments/{held[0]}/decision", json={"action": "spam"}, headers=bearer(moderator)
    )
    assert response.get_json()["previous"] == "approved"
    listing = client.get("/v1/threads/articolo-1/comments", headers=bearer(site)).get_json()
    assert listing["comments"] == []
    assert json.loads(r.hget(keys.MODERATION_LABELS, held[0]))["label"] == "spam"
    client.post(
        f"/v1/comments/{held[0]}/decision", json={"action": "reject"}, headers=bearer(moderator)
    )
    assert r.hget(keys.MODERATION_LABELS, held[0]) is None, "reject is no spam judgement"
    assert r.hget(keys.comment(held[0]), "status") == "rejected"


def test_rescue_from_spam(r, client, site, moderator):
    comment_id = post(client, site, content="Non sono spam!")
    give_verdict(r, comment_id, "spam", 0.95)
    response = client.post(
        f"/v1/comments/{comment_id}/decision",
        json={"action": "approve"},
        headers=bearer(moderator),
    )
    assert response.get_json()["previous"] == "spam"
    assert json.loads(r.hget(keys.MODERATION_LABELS, comment_id))["label"] == "ham"


def test_pending_unknown_and_bad_actions(client, site, moderator):
    pending = post(client, site, content="appena arrivato")
    assert (
        client.post(
            f"/v1/comments/{pending}/decision",
            json={"action": "approve"},
            headers=bearer(moderator),
        ).status_code
        == 409
    )
    assert (
        client.post(
            "/v1/comments/nope/decision", json={"action": "approve"}, headers=bearer(moderator)
        ).status_code
        == 404
    )
    bad = client.post(
        f"/v1/comments/{pending}/decision", json={"action": "delete"}, headers=bearer(moderator)
    )
    assert bad.status_code == 422 and "action" in bad.get_json()["errors"]


def test_bulk_with_valid_and_unknown_ids(r, client, moderator, held):
    response = client.post(
        "/v1/moderation/decisions",
        json={"ids": [held[0], "missing", held[1]], "action": "spam"},
        headers=bearer(moderator),
    )
    body = response.get_json()
    assert response.status_code == 200
    assert [x["result"] for x in body["results"]] == ["ok", "not_found", "ok"]
    assert body["decided"] == 2
    assert r.hget(keys.comment(held[1]), "status") == "spam"
    assert r.hlen(keys.MODERATION_LABELS) == 2
    empty = client.post(
        "/v1/moderation/decisions", json={"ids": [], "action": "spam"}, headers=bearer(moderator)
    )
    assert empty.status_code == 422


def test_confirming_a_verdict_is_still_a_label(r, client, moderator, held):
    client.post(
        f"/v1/comments/{held[0]}/decision", json={"action": "spam"}, headers=bearer(moderator)
    )
    again = client.post(
        f"/v1/comments/{held[0]}/decision", json={"action": "spam"}, headers=bearer(moderator)
    )
    assert again.get_json()["result"] == "unchanged"
    assert r.llen(keys.audit(held[0])) == 3  # worker verdict + two decisions
