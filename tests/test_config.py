"""Configuration: defaults, then VAGLIO_* variables, then overrides; the secret kept once."""

import re
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service import config as config_module
from service import create_app, limits
from tests.conftest import bearer, comment


def test_defaults_without_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = config_module.from_env(env={})
    assert config.data_dir == Path("vaglio-data")
    assert config.redis_url is None and config.embedded_redis
    assert config.max_body_bytes == limits.MAX_BODY_BYTES


def test_environment_is_read(tmp_path):
    env = {
        "VAGLIO_DATA_DIR": str(tmp_path / "d"),
        "VAGLIO_REDIS_URL": "redis://example.invalid:6380/2",
        "VAGLIO_SECRET_KEY": "k",
        "VAGLIO_MAX_BODY_BYTES": "1024",
        "VAGLIO_TRUSTED_PROXIES": "1",
    }
    config = config_module.from_env(env=env)
    assert config.data_dir == tmp_path / "d"
    assert config.redis_url == "redis://example.invalid:6380/2"
    assert not config.embedded_redis
    assert (config.secret_key, config.max_body_bytes, config.trusted_proxies) == ("k", 1024, 1)


@pytest.mark.parametrize(
    "value, message",
    [("two", "VAGLIO_BATCH_SIZE must be a number, not 'two'"), ("-1", "must not be negative")],
)
def test_a_bad_number_in_the_environment_names_its_variable(tmp_path, value, message):
    env = {"VAGLIO_SECRET_KEY": "k", "VAGLIO_DATA_DIR": str(tmp_path), "VAGLIO_BATCH_SIZE": value}
    with pytest.raises(ValueError, match=re.escape(message)):
        config_module.from_env(env=env)


def test_overrides_win_over_the_environment(tmp_path):
    env = {"VAGLIO_SECRET_KEY": "from-env", "VAGLIO_DATA_DIR": str(tmp_path)}
    config = config_module.from_env(env=env, secret_key="override", max_body_bytes=10)
    assert (config.secret_key, config.max_body_bytes) == ("override", 10)


def test_the_secret_is_generated_once_and_kept_private(tmp_path):
    env = {"VAGLIO_DATA_DIR": str(tmp_path / "data")}
    first = config_module.from_env(env=env).secret_key
    second = config_module.from_env(env=env).secret_key
    assert first == second
    assert len(first) == 64
    path = tmp_path / "data" / config_module.SECRET_FILE
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other = config_module.from_env(env={"VAGLIO_DATA_DIR": str(tmp_path / "other")})
    assert other.secret_key != first


def test_processes_starting_together_agree_on_one_secret(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        secrets = set(pool.map(config_module.load_or_create_secret, [tmp_path] * 8))
    assert len(secrets) == 1


def test_the_app_takes_its_body_limit_from_the_config(redis_url, tmp_path, site):
    app = create_app(
        {"redis_url": redis_url, "data_dir": tmp_path, "secret_key": "k", "max_body_bytes": 300}
    )
    assert app.config["MAX_CONTENT_LENGTH"] == 300
    client = app.test_client()
    try:
        small = client.post("/v1/comments", json=comment(), headers=bearer(site))
        assert small.status_code == 202
        big = client.post("/v1/comments", json=comment(content="x" * 300), headers=bearer(site))
        assert big.status_code == 413
    finally:
        app.extensions["vaglio.redis"].close()
