"""An operator exports or erases what an author posted, found by e-mail address."""

import json

import pytest

from service import keys, sites
from tests.conftest import TEST_SECRET, bearer, new_site, post

MARIO = "mario.rossi@example.it"
ANNA = "anna@example.org"
HOOK = "https://hooks.example.org/vaglio"


@pytest.fixture
def blog(r):
    return new_site(r, "blog")


@pytest.fixture
def world(r, client, site, blog, moderator, model_version, run_worker):
    """Mario's comments in every status on `news` and one on `blog`; Anna's on `news`."""
    sites.update(r, "news", {"webhook_url": HOOK}, TEST_SECRET)
    three_links = "Fonti: http://a.example/1 http://b.example/2 http://c.example/3"
    mario = {
        "approved": post(client, site, email=MARIO),
        "labelled": post(client, site, email=MARIO, content=three_links),
        "honeypot": post(client, site, email=MARIO, content="Ciao!", honeypot="x"),
    }
    anna = post(client, site, email=ANNA, author="Anna", content="Concordo su tutto.")
    on_blog = post(client, blog, email=MARIO, content="Bella recensione, grazie.")
    run_worker()
    mario["pending"] = post(client, site, email=MARIO, content="Un'ultima domanda: e il prezzo?")
    decided = client.post(
        f"/v1/comments/{mario['labelled']}/decision",
        json={"action": "spam"},
        headers=bearer(moderator),
    )
    assert decided.status_code == 200, decided.get_json()
    status = {
        name: client.get(f"/v1/comments/{i}", headers=bearer(site)).get_json()["status"]
        for name, i in mario.items()
    }
    assert status == {
        "approved": "approved",
        "labelled": "spam",
        "honeypot": "spam",
        "pending": "pending",
    }
    assert r.hexists(keys.MODERATION_LABELS, mario["labelled"])
    r.delete(keys.WEBHOOK_QUEUE)  # only the erasure's events from here on
    return {"mario": mario, "anna": anna, "on_blog": on_blog}


def erase(client, token, **body):
    return client.post("/v1/authors/erase", json=body, headers=bearer(token))


def listing(client, token, thread="articolo-1") -> list[str]:
    response = client.get(f"/v1/threads/{thread}/comments", headers=bearer(token))
    return [c["id"] for c in response.get_json()["comments"]]


def test_erasing_on_one_site_removes_every_trace_there(
    r, client, site, blog, moderator, operator, world, run_worker
):
    mario = world["mario"]
    email_hash = r.hget(keys.comment(mario["approved"]), "email_hash")
    assert listing(client, site) == sorted([mario["approved"], world["anna"]])
    history = client.get(f"/v1/comments/{mario['approved']}", headers=bearer(moderator))
    assert history.get_json()["author_history"]["spam"] == 2  # the honeypot counts too

    response = erase(client, operator, email=MARIO.upper(), site="news")
    assert response.status_code == 200, response.get_json()
    assert MARIO not in response.get_data(as_text=True).lower()
    result = response.get_json()
    assert result["erased"] == 4 and result["sites"] == ["news"]
    assert {k: v for k, v in result["by_status"].items() if v} == {
        "approved": 1,
        "spam": 2,
        "pending": 1,
    }

    for comment_id in mario.values():
        assert client.get(f"/v1/comments/{comment_id}", headers=bearer(site)).status_code == 404
        assert not r.exists(keys.comment(comment_id), keys.audit(comment_id))
        for status in ("approved", "held", "spam", "pending", "rejected"):
            assert r.zscore(keys.by_status(status), comment_id) is None
            assert r.zscore(keys.by_status_score(status), comment_id) is None
    assert listing(client, site) == [world["anna"]]
    assert not r.hexists(keys.MODERATION_LABELS, mario["labelled"])
    assert not r.exists(keys.author("news", email_hash), keys.author_comments("news", email_hash))
    assert int(r.hget(keys.METRICS, "comments_erased")) == 4

    # The site is told to take the approved comment down, and only that.
    events = [
        json.loads(r.hget(keys.webhook_event(event_id), "body"))
        for event_id in r.zrange(keys.WEBHOOK_QUEUE, 0, -1)
    ]
    assert [(e["type"], e["comment"]["id"]) for e in events] == [
        ("comment.removed", mario["approved"])
    ]
    assert set(events[0]["comment"]) == {"id", "thread", "parent", "erased"}

    # The pending comment's stream entry is acknowledged, not scored back to life.
    run_worker()
    assert not r.exists(keys.comment(mario["pending"]))
    assert r.xlen(keys.STREAM) == 0

    # Anna and Mario's comment on the other site are untouched.
    anna = client.get(f"/v1/comments/{world['anna']}", headers=bearer(site)).get_json()
    assert anna["status"] == "approved"
    assert client.get(f"/v1/comments/{world['on_blog']}", headers=bearer(blog)).status_code == 200
    assert erase(client, operator, email=MARIO, site="news").get_json()["erased"] == 0
    again = post(client, site, email=MARIO)  # the same words again: no longer a duplicate
    assert again not in mario.values()


def test_erasing_everywhere_and_from_the_command_line(r, client, blog, runner, world):
    from service.cli import main

    done = runner.invoke(main, ["authors", "erase", MARIO, "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output.strip().splitlines()[-1])
    assert result["erased"] == 5 and result["sites"] == ["blog", "news"]
    assert MARIO not in done.output
    assert client.get(f"/v1/comments/{world['on_blog']}", headers=bearer(blog)).status_code == 404

    again = runner.invoke(main, ["authors", "erase", MARIO])
    assert again.exit_code == 0 and "Erased 0 comment(s)" in again.output

    refused = runner.invoke(main, ["authors", "erase", "mario at example"])
    assert refused.exit_code == 2 and "not a valid e-mail address" in refused.output.lower()
    assert "mario at example" not in refused.output


def test_a_comment_stored_before_the_author_index_is_found_by_a_scan(
    r, client, site, operator, world
):
    lost = world["mario"]["approved"]
    email_hash = r.hget(keys.comment(lost), "email_hash")
    r.srem(keys.author_comments("news", email_hash), lost)

    assert erase(client, operator, email=MARIO, site="blog").get_json()["erased"] == 1
    assert erase(client, operator, email=MARIO, site="news").get_json()["erased"] == 3
    assert r.exists(keys.comment(lost))
    scanned = erase(client, operator, email=MARIO, site="news", scan=True).get_json()
    assert scanned["erased"] == 1 and scanned["by_status"]["approved"] == 1
    assert not r.exists(keys.comment(lost))


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "mario.rossi(at)example"}, "email"),
        ({}, "email"),
        ({"email": MARIO, "site": "nowhere"}, "site"),
        ({"email": MARIO, "sites": "news"}, "sites"),
        ({"email": MARIO, "scan": "maybe"}, "scan"),
    ],
    ids=["bad-email", "no-email", "unknown-site", "unknown-field", "bad-flag"],
)
@pytest.mark.parametrize("action", ["erase", "export"])
def test_bad_requests_are_refused_and_change_nothing(
    r, client, operator, world, body, field, action
):
    response = client.post(f"/v1/authors/{action}", json=body, headers=bearer(operator))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert "mario.rossi" not in response.get_data(as_text=True)
    assert r.exists(keys.comment(world["mario"]["approved"]))


@pytest.mark.parametrize("action", ["erase", "export"])
def test_only_operators_export_or_erase(r, client, site, moderator, world, action):
    route = f"/v1/authors/{action}"
    for token in (moderator, site):
        assert client.post(route, json={"email": MARIO}, headers=bearer(token)).status_code == 403
    assert client.post(route, json={"email": MARIO}).status_code == 401
    assert r.exists(keys.comment(world["mario"]["approved"]))


def test_an_author_gets_a_copy_of_what_they_posted(r, client, operator, runner, world):
    from service.cli import main

    response = client.post("/v1/authors/export", json={"email": MARIO}, headers=bearer(operator))
    assert response.status_code == 200, response.get_json()
    text = response.get_data(as_text=True)
    assert MARIO not in text and '"email"' not in text
    found = response.get_json()
    assert found["comments"] == 5 and set(found["sites"]) == {"news", "blog"}
    news = found["sites"]["news"]
    assert [c["id"] for c in news["comments"]] == list(world["mario"].values())  # oldest first
    assert news["comments"][0]["content"].startswith("Ottimo articolo")
    assert news["author_history"] == {"approved": 1, "held": 0, "spam": 2, "rejected": 0}
    assert world["anna"] not in text

    printed = runner.invoke(main, ["authors", "export", MARIO, "--site", "blog"])
    assert printed.exit_code == 0, printed.output
    only_blog = json.loads(printed.output)
    assert list(only_blog["sites"]) == ["blog"] and only_blog["comments"] == 1
    assert r.exists(keys.comment(world["on_blog"]))  # a copy changes nothing
