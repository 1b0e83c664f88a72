"""Operators' API: site settings, the model registry, background retrain jobs."""

import pytest

from service import keys, registry, sites
from tests.conftest import bearer
from tests.models import install
from tests.processes import wait_for


def test_settings_need_the_operator_role(client, site, moderator, operator):
    assert client.get("/v1/sites/news/settings").status_code == 401
    assert client.get("/v1/sites/news/settings", headers=bearer(site)).status_code == 403
    assert client.get("/v1/sites/news/settings", headers=bearer(moderator)).status_code == 403
    assert client.get("/v1/sites/news/settings", headers=bearer(operator)).status_code == 200
    assert client.get("/v1/sites/nope/settings", headers=bearer(operator)).status_code == 404


def test_put_settings_validates_and_applies(r, client, site, operator):
    response = client.put(
        "/v1/sites/news/settings",
        json={
            "max_links": 5,
            "moderation_keywords": ["bitcoin"],
            "blocked_emails": ["x@y.it"],
            "webhook_url": "https://hooks.example.org/vaglio",
        },
        headers=bearer(operator),
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["max_links"] == 5 and body["moderation_keywords"] == ["bitcoin"]
    assert body["blocked_emails_count"] == 1 and "x@y.it" not in response.get_data(as_text=True)
    assert len(body["webhook_signing_key"]) == 64
    bad = client.put(
        "/v1/sites/news/settings",
        json={"max_links": -1, "mode": "yolo", "webhook_url": "javascript:alert(1)"},
        headers=bearer(operator),
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"max_links", "mode", "webhook_url"}
    assert sites.settings(r, "news", fresh=True)["max_links"] == 5, "a bad update changes nothing"


def test_models_list_and_activate(r, client, operator, moderator):
    first = install(r)
    second = install(r)
    listing = client.get("/v1/models", headers=bearer(operator)).get_json()
    assert listing["active"] == second
    assert [m["version"] for m in listing["models"]] == [first, second]
    assert [m["active"] for m in listing["models"]] == [False, True]
    assert "thresholds" in listing["models"][0]
    assert client.get("/v1/models", headers=bearer(moderator)).status_code == 403
    response = client.post(f"/v1/models/{first}/activate", headers=bearer(operator))
    assert response.get_json() == {"active": first, "previous": second}
    assert registry.active_version(r) == first
    assert client.post("/v1/models/v999/activate", headers=bearer(operator)).status_code == 404


@pytest.mark.slow
def test_retrain_runs_in_the_background_and_reports(
    r, client, operator, model_version, config_overrides, monkeypatch
):
    monkeypatch.setenv("VAGLIO_REDIS_URL", config_overrides["redis_url"])
    monkeypatch.setenv("VAGLIO_DATA_DIR", str(config_overrides["data_dir"]))
    monkeypatch.setenv("VAGLIO_SECRET_KEY", config_overrides["secret_key"])
    started = client.post("/v1/models/retrain", json={"activate": True}, headers=bearer(operator))
    assert started.status_code == 202
    job = started.get_json()["job"]
    assert started.headers["Location"] == f"/v1/jobs/{job}"
    again = client.post("/v1/models/retrain", json={}, headers=bearer(operator))
    assert again.status_code == 409, "one retrain at a time"

    def finished():
        state = client.get(f"/v1/jobs/{job}", headers=bearer(operator)).get_json()
        return state if state["status"] in ("done", "failed") else None

    state = wait_for(finished, 180, interval=0.5, what="the retrain job")
    assert state["status"] == "done", state
    result = state["result"]
    assert set(result["metrics"]) == {"candidate", "active"}
    assert result["active_before"] == model_version
    assert registry.active_version(r) == (
        result["candidate"] if result["promoted"] else model_version
    )
    assert client.get("/v1/jobs/job_nope", headers=bearer(operator)).status_code == 404


@pytest.mark.parametrize(
    "body", [{"activate": "maybe"}, {"activate": True, "dry_run": True}, ["activate"]]
)
def test_bad_retrain_options_are_422_and_start_nothing(r, client, operator, body):
    response = client.post("/v1/models/retrain", json=body, headers=bearer(operator))
    assert response.status_code in (400, 422), response.get_json()
    assert r.zcard(keys.JOBS) == 0


def test_retrain_options_mean_what_they_say():
    from service.schemas import RetrainOptions

    assert RetrainOptions().load({"activate": "false"}) == {"activate": False, "force": False}
    assert RetrainOptions().load({}) == {"activate": False, "force": False}


def test_a_webhook_ping_checks_the_sites_receiver(r, client, site, operator, runner):
    from service import webhooks
    from service.cli import main
    from tests.conftest import TEST_SECRET
    from tests.processes import WebhookReceiver

    route = "/v1/sites/news/webhook-test"
    unset = client.post(route, headers=bearer(operator))
    assert unset.status_code == 409 and "webhook_url" in unset.get_json()["detail"]
    nowhere = client.post("/v1/sites/nowhere/webhook-test", headers=bearer(operator))
    assert nowhere.status_code == 404

    receiver = WebhookReceiver(webhooks.signing_key(TEST_SECRET, "news"), fail_first=1)
    try:
        sites.update(r, "news", {"webhook_url": receiver.url}, TEST_SECRET)
        failed = client.post(route, headers=bearer(operator)).get_json()
        assert failed["delivered"] is False and failed["error"] == "HTTP 503"
        answered = client.post(route, headers=bearer(operator)).get_json()
        assert answered["delivered"] is True
        (ping,) = receiver.events
        assert ping["type"] == "ping" and ping["id"] == answered["event"] and "comment" not in ping
        assert receiver.bad_signatures == 0
        printed = runner.invoke(main, ["sites", "test-webhook", "news"])
        assert printed.exit_code == 0 and "delivered" in printed.output
        assert len(receiver.events) == 2
    finally:
        receiver.close()
    assert r.zcard(keys.WEBHOOK_QUEUE) == 0  # sent now, never queued
