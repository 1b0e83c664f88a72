"""The thread listing a site renders: approved only, oldest first, paginated, cached."""

import pytest

from service import keys
from tests.conftest import bearer, post


def approve(r, comment_id):
    from service.transitions import Change, Transitions

    record = r.hgetall(keys.comment(comment_id))
    Transitions(r).apply(
        [Change(record=record, to="approved", fields={"decided_ms": 1}, audit={"who": "test"})]
    )


def test_listing_is_approved_oldest_first_paginated(r, client, site):
    ids = [post(client, site, content=f"Commento {n}", email=f"p{n}@example.it") for n in range(5)]
    held = post(client, site, content="in attesa", email="h@example.it")
    for comment_id in ids:
        approve(r, comment_id)
    first = client.get("/v1/threads/articolo-1/comments?limit=2", headers=bearer(site))
    page = first.get_json()
    assert [c["id"] for c in page["comments"]] == ids[:2]
    seen = list(ids[:2])
    while page["next_cursor"]:
        page = client.get(
            f"/v1/threads/articolo-1/comments?limit=2&cursor={page['next_cursor']}",
            headers=bearer(site),
        ).get_json()
        seen += [c["id"] for c in page["comments"]]
    assert seen == ids and held not in seen
    body = first.get_data(as_text=True)
    assert "email" not in body.replace("[email hidden]", "") and "ip" not in page["comments"][0]


def test_etag_answers_304_until_the_thread_changes(r, client, site):
    approve(r, post(client, site, content="primo"))
    first = client.get("/v1/threads/articolo-1/comments", headers=bearer(site))
    etag = first.headers["ETag"]
    again = client.get(
        "/v1/threads/articolo-1/comments", headers={**bearer(site), "If-None-Match": etag}
    )
    assert again.status_code == 304
    approve(r, post(client, site, content="secondo", email="s@example.it"))
    changed = client.get(
        "/v1/threads/articolo-1/comments", headers={**bearer(site), "If-None-Match": etag}
    )
    assert changed.status_code == 200 and len(changed.get_json()["comments"]) == 2


def test_thread_ids_may_be_paths_and_sites_are_separate(r, client, site):
    from service import sites, tokens
    from service.vocabulary import Role

    comment_id = post(client, site, thread="/2026/11/nuovo-telefono")
    approve(r, comment_id)
    listing = client.get("/v1/threads//2026/11/nuovo-telefono/comments", headers=bearer(site))
    assert [c["id"] for c in listing.get_json()["comments"]] == [comment_id]
    sites.create(r, "other")
    other = tokens.create(r, Role.SITE, "other")
    theirs = client.get("/v1/threads//2026/11/nuovo-telefono/comments", headers=bearer(other))
    assert theirs.get_json()["comments"] == []


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("cursor=" + "x" * 65, "cursor"),
        ("cursor=%0A", "cursor"),  # a newline would have reached the ETag header
    ],
)
def test_bad_paging_is_422(client, site, query, field):
    response = client.get(f"/v1/threads/x/comments?{query}", headers=bearer(site))
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_a_sites_own_query_parameters_are_ignored(client, site):
    response = client.get("/v1/threads/x/comments?_=1732600000", headers=bearer(site))
    assert response.status_code == 200 and response.get_json()["comments"] == []
