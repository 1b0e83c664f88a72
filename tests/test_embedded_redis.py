"""The embedded Redis: one server per data dir, shared, AOF on, data kept across restarts."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import redis

from service import config as config_module
from service import embedded_redis, redis_conn, sites, tokens


@pytest.fixture
def data_dir():
    # Not tmp_path: a unix socket path must stay under 108 bytes.
    path = Path(tempfile.mkdtemp(prefix="vg-emb-"))
    yield path
    embedded_redis.stop(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def track():
    """Registers the Redis clients a test opens; closes them after it."""
    opened: list[redis.Redis] = []

    def add(client: redis.Redis) -> redis.Redis:
        opened.append(client)
        return client

    yield add
    for client in opened:
        client.close()


def embedded_config(data_dir: Path) -> config_module.Config:
    """What every Vaglio process builds from an environment without VAGLIO_REDIS_URL."""
    config = config_module.from_env(env={"VAGLIO_DATA_DIR": str(data_dir)})
    assert config.embedded_redis
    return config


def server_pid(client: redis.Redis) -> int:
    return int(client.info("server")["process_id"])


def test_two_connects_on_the_same_data_dir_share_one_server(data_dir, track):
    first = track(redis_conn.connect(embedded_config(data_dir)))
    second = track(redis_conn.connect(embedded_config(data_dir)))
    first.set("vaglio:test", "condiviso")
    assert second.get("vaglio:test") == "condiviso"
    assert server_pid(first) == server_pid(second)
    sockets = {c.connection_pool.connection_kwargs["path"] for c in (first, second)}
    assert sockets == {str(data_dir.resolve() / "redis" / embedded_redis.SOCKET)}
    pidfile = data_dir / "redis" / "redis.pid"
    assert int(pidfile.read_text()) == server_pid(first)


def test_processes_starting_together_start_one_server(data_dir, track):
    urls: list[str] = []
    barrier = threading.Barrier(4)

    def start():
        barrier.wait()
        urls.append(embedded_redis.ensure_running(data_dir))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(urls) == 4 and len(set(urls)) == 1
    client = track(redis.Redis.from_url(urls[0]))
    assert int((data_dir / "redis" / "redis.pid").read_text()) == server_pid(client)


def test_aof_is_on(data_dir, track):
    client = track(redis_conn.connect(embedded_config(data_dir)))
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    client.set("vaglio:aof-probe", "scritto")
    aof_files = [p for p in (data_dir / "redis").rglob("*.aof*") if p.is_file()]
    assert any(b"vaglio:aof-probe" in p.read_bytes() for p in aof_files)


def test_data_survives_stop_and_start(data_dir, track):
    url = embedded_redis.ensure_running(data_dir)
    track(redis.Redis.from_url(url)).hset("vaglio:record", mapping={"status": "pending"})
    assert embedded_redis.stop(data_dir) is True
    assert embedded_redis.stop(data_dir) is False
    with pytest.raises(redis.ConnectionError):
        track(redis.Redis.from_url(url, socket_connect_timeout=0.5)).ping()
    assert embedded_redis.ensure_running(data_dir) == url
    again = track(redis.Redis.from_url(url, decode_responses=True))
    assert again.hgetall("vaglio:record") == {"status": "pending"}


def test_acknowledged_writes_survive_a_killed_server(data_dir, track):
    url = embedded_redis.ensure_running(data_dir)
    client = track(redis.Redis.from_url(url, decode_responses=True))
    client.xadd("vaglio:stream", {"id": "c1"})
    pid = server_pid(client)
    os.kill(pid, signal.SIGKILL)  # no shutdown save: only the AOF can bring it back
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and embedded_redis._answers(url):
        time.sleep(0.05)
    assert embedded_redis.ensure_running(data_dir) == url
    client = track(redis.Redis.from_url(url, decode_responses=True))
    assert server_pid(client) != pid
    assert [fields for _, fields in client.xrange("vaglio:stream")] == [{"id": "c1"}]


def test_a_data_dir_too_long_for_a_socket_is_a_clear_error_at_once(data_dir):
    deep = data_dir / ("d" * 100)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="shorter VAGLIO_DATA_DIR"):
        embedded_redis.ensure_running(deep)
    assert time.monotonic() - started < 2


def test_cli_commands_and_the_app_share_the_data_dirs_server(data_dir, track):
    env = {k: v for k, v in os.environ.items() if k != "VAGLIO_REDIS_URL"}
    env.update(VAGLIO_DATA_DIR=str(data_dir), VAGLIO_SECRET_KEY="s")
    vaglio = str(Path(sys.executable).with_name("vaglio"))
    done = subprocess.run(
        [vaglio, "sites", "add", "blog"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    client = track(redis_conn.connect(embedded_config(data_dir)))
    assert sites.exists(client, "blog")
    assert tokens.lookup(client, done.stdout.strip().splitlines()[-1]).site == "blog"
