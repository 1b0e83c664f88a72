"""`vaglio sites ...` and `vaglio tokens create`: tokens on the last line, clean errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service import keys, sites, tokens
from service.cli import main
from service.vocabulary import Role
from tests.conftest import TEST_SECRET, bearer, comment
from tests.redis_state import unchanged


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_sites_add_prints_the_token_last_and_it_authenticates(runner, client, r):
    result = runner.invoke(main, ["sites", "add", "blog"])
    assert result.exit_code == 0, result.output
    token = last_line(result.stdout)
    assert token.startswith(tokens.TOKEN_PREFIX)
    assert sites.exists(r, "blog")
    principal = tokens.lookup(r, token)
    assert (principal.role, principal.site) == (Role.SITE, "blog")
    resp = client.post("/v1/comments", json=comment(), headers=bearer(token))
    assert resp.status_code == 202
    assert r.hget(keys.comment(resp.get_json()["id"]), "site") == "blog"


def test_sites_add_twice_is_a_clean_error_and_changes_nothing(runner, r, redis_url):
    assert runner.invoke(main, ["sites", "add", "blog"]).exit_code == 0
    with unchanged(redis_url):
        result = runner.invoke(main, ["sites", "add", "blog"])
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("name", ["Blog", "my blog", "_blog", "", "b" * 64, "blog/1", "blög"])
def test_sites_add_with_a_bad_name_is_a_clean_error(runner, redis_url, name):
    with unchanged(redis_url):
        result = runner.invoke(main, ["sites", "add", name])
    assert result.exit_code == 1
    assert "site name" in result.stderr
    assert result.stdout == ""


def test_sites_set_changes_the_settings(runner, r):
    runner.invoke(main, ["sites", "add", "blog"])
    result = runner.invoke(
        main,
        [
            "sites",
            "set",
            "blog",
            "flood_seconds=30",
            "mode=hold_all",
            "moderation_keywords=casinò, viagra",
            "approve_below=0.2",
            "trust_approved_authors=false",
        ],
    )
    assert result.exit_code == 0, result.output
    effective = sites.settings(r, "blog", fresh=True)
    assert effective["flood_seconds"] == 30
    assert effective["mode"] == "hold_all"
    assert effective["moderation_keywords"] == ["casinò", "viagra"]
    assert effective["approve_below"] == 0.2
    assert effective["trust_approved_authors"] is False
    assert json.loads(result.stdout)["flood_seconds"] == 30


def test_sites_set_keeps_blocked_emails_only_as_hashes(runner, r, redis_url):
    runner.invoke(main, ["sites", "add", "blog"])
    result = runner.invoke(main, ["sites", "set", "blog", "blocked_emails=Spam@Example.com"])
    assert result.exit_code == 0, result.output
    assert "spam@example.com" not in result.output.lower()
    assert json.loads(result.stdout)["blocked_emails_count"] == 1
    assert "spam@example.com" not in r.hget(keys.site("blog"), "settings").lower()


@pytest.mark.parametrize(
    ("assignments", "mentioned"),
    [
        (["flood_seconds=-1"], "flood_seconds"),
        (["flood_seconds=soon"], "flood_seconds"),
        (["mode=everything"], "mode"),
        (["max_links=3", "mode=everything"], "mode"),
        (["content_max=0"], "content_max"),
        (["approve_below=2"], "approve_below"),
        (["approve_below=0.9", "spam_from=0.5"], "approve_below"),
        (["trust_approved_authors=maybe"], "trust_approved_authors"),
        (["webhook_url=javascript:alert(1)"], "webhook_url"),
        (["blocked_emails=not-an-address"], "blocked_emails"),
        (["blocked_ips=1.2.3.999"], "blocked_ips"),
        (["flod_seconds=5"], "flod_seconds"),
        (["flood_seconds"], "KEY=VALUE"),
    ],
)
def test_sites_set_with_invalid_values_is_a_clear_error_and_changes_nothing(
    runner, redis_url, assignments, mentioned
):
    runner.invoke(main, ["sites", "add", "blog"])
    with unchanged(redis_url):
        result = runner.invoke(main, ["sites", "set", "blog", *assignments])
    assert result.exit_code == 1, result.output
    assert mentioned in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_sites_set_on_an_unknown_site_is_a_clean_error(runner, redis_url):
    with unchanged(redis_url):
        result = runner.invoke(main, ["sites", "set", "nowhere", "flood_seconds=5"])
    assert result.exit_code == 1
    assert "nowhere" in result.stderr


def test_sites_set_merges_with_what_was_set_before(runner, r):
    runner.invoke(main, ["sites", "add", "blog"])
    runner.invoke(main, ["sites", "set", "blog", "max_links=5"])
    runner.invoke(main, ["sites", "set", "blog", "flood_seconds=0"])
    effective = sites.settings(r, "blog", fresh=True)
    assert (effective["max_links"], effective["flood_seconds"]) == (5, 0)


def test_sites_set_is_seen_by_the_api_at_once(runner, client, r):
    token = last_line(runner.invoke(main, ["sites", "add", "blog"]).stdout)
    runner.invoke(main, ["sites", "set", "blog", "content_max=10"])
    resp = client.post("/v1/comments", json=comment(content="x" * 11), headers=bearer(token))
    assert resp.status_code == 422


def test_sites_list_and_show(runner, r):
    runner.invoke(main, ["sites", "add", "blog"])
    runner.invoke(main, ["sites", "add", "news"])
    assert runner.invoke(main, ["sites", "list"]).stdout.split() == ["blog", "news"]
    shown = json.loads(runner.invoke(main, ["sites", "show", "blog"]).stdout)
    assert shown["flood_seconds"] == 15
    assert shown["content_max"] == 10_000


@pytest.mark.parametrize("role", ["moderator", "operator"])
def test_tokens_create_prints_a_token_that_authenticates(runner, client, r, role):
    result = runner.invoke(main, ["tokens", "create", "--role", role])
    assert result.exit_code == 0, result.output
    token = last_line(result.stdout)
    assert tokens.lookup(r, token).role == Role(role)
    resp = client.get("/v1/comments/0194a0b0c0d0e0f0a0b0c0", headers=bearer(token))
    assert resp.status_code == 404  # authenticated and allowed: just no such comment
    submit = client.post("/v1/comments", json=comment(), headers=bearer(token))
    assert submit.status_code == 403


@pytest.mark.parametrize("args", [["--role", "site"], ["--role", "admin"], []])
def test_tokens_create_with_a_bad_role_is_a_usage_error(runner, redis_url, args):
    with unchanged(redis_url):
        result = runner.invoke(main, ["tokens", "create", *args])
    assert result.exit_code == 2
    assert "role" in result.stderr.lower()


def test_the_installed_console_script_prints_the_token_last(config_overrides, r):
    import os

    env = {
        **os.environ,
        "VAGLIO_REDIS_URL": config_overrides["redis_url"],
        "VAGLIO_DATA_DIR": str(config_overrides["data_dir"]),
        "VAGLIO_SECRET_KEY": TEST_SECRET,
    }
    script = [str(Path(sys.executable).with_name("vaglio"))]
    done = subprocess.run(
        [*script, "sites", "add", "blog"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().count("\n") == 0, "stdout holds the token only"
    assert tokens.lookup(r, last_line(done.stdout)).site == "blog"
    again = subprocess.run(
        [*script, "sites", "add", "blog"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr
