"""`vaglio serve`: the real gunicorn server, for what only a real server shows.

Chunked bodies (no Content-Length) must hit the size limit while being read,
and the access log must not carry what a comment carries.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

from service import keys, limits
from tests.conftest import TEST_SECRET, bearer, comment
from tests.redis_state import comment_keys, unchanged


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(redis_url, tmp_path_factory):
    """A `vaglio serve --no-worker` process; yields (port, log path)."""
    workdir = tmp_path_factory.mktemp("serve")
    client = redis.Redis.from_url(redis_url)
    # The API never loads the model; an active version only spares `serve`
    # training the default one before it starts.
    client.set(keys.ACTIVE_MODEL, "test-placeholder")
    client.close()
    port = free_port()
    env = {
        **os.environ,
        "VAGLIO_REDIS_URL": redis_url,
        "VAGLIO_DATA_DIR": str(workdir / "data"),
        "VAGLIO_SECRET_KEY": TEST_SECRET,
    }
    log_path = workdir / "serve.log"
    vaglio = str(Path(sys.executable).with_name("vaglio"))
    command = [vaglio, "serve", "--no-worker", "--port", str(port), "--workers", "1"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(proc, port, log_path)
        yield port, log_path
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_until_up(proc, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"vaglio serve exited:\n{log_path.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"vaglio serve did not answer:\n{log_path.read_text()}")


def request(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def chunked_post(
    port: int, token: str, body: bytes, chunk_size: int = 4096, ctype: str = "application/json"
):
    """POST ``body`` with Transfer-Encoding: chunked over a raw socket."""
    head = (
        "POST /v1/comments HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        f"Content-Type: {ctype}\r\n"
        "Transfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(head)
        try:
            for start in range(0, len(body), chunk_size):
                chunk = body[start : start + chunk_size]
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and hang up before reading it all
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        sock.close()


def padded_json(size: int) -> bytes:
    """A valid submission padded (with an ignored field) to exactly ``size`` bytes."""
    padded = comment(padding="")
    padded["padding"] = "x" * (size - len(json.dumps(padded)))
    raw = json.dumps(padded).encode()
    assert len(raw) == size
    return raw


def test_the_server_is_gunicorn_and_healthy(server):
    port, _ = server
    status, headers, body = request(port, "GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert "gunicorn" in headers.get("Server", "").lower()


def test_a_comment_posted_through_the_server_is_accepted(server, site, r):
    port, _ = server
    raw = json.dumps(comment()).encode()
    headers = {**bearer(site), "Content-Type": "application/json"}
    status, resp_headers, body = request(port, "POST", "/v1/comments", raw, headers)
    assert status == 202, body
    comment_id = json.loads(body)["id"]
    assert resp_headers["Location"].endswith(f"/v1/comments/{comment_id}")
    assert r.hget(keys.comment(comment_id), "status") == "pending"


def test_a_chunked_body_under_the_limit_is_accepted(server, site, r):
    port, _ = server
    status, _, body = chunked_post(port, site, json.dumps(comment()).encode(), chunk_size=16)
    assert status == 202, body
    assert len(comment_keys(r)) == 1


def test_a_chunked_body_of_exactly_the_limit_is_accepted(server, site, r):
    port, _ = server
    status, _, body = chunked_post(port, site, padded_json(limits.MAX_BODY_BYTES))
    assert status == 202, body
    assert len(comment_keys(r)) == 1


@pytest.mark.parametrize("size", [limits.MAX_BODY_BYTES + 1, 4 * limits.MAX_BODY_BYTES])
def test_a_chunked_body_over_the_limit_is_413_and_changes_nothing(server, site, redis_url, size):
    port, _ = server
    raw = padded_json(size)
    with unchanged(redis_url):
        status, headers, body = chunked_post(port, site, raw)
    assert status == 413, body
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 413


def test_a_chunked_form_over_the_limit_is_413_not_cut_short(server, site, redis_url):
    # Cut at the limit, this form would still be valid: a truncated comment
    # must not slip through as a 202.
    port, _ = server
    form = urlencode(comment(padding="x" * limits.MAX_BODY_BYTES)).encode()
    with unchanged(redis_url):
        status, _, body = chunked_post(port, site, form, ctype="application/x-www-form-urlencoded")
    assert status == 413, body


def test_a_declared_body_over_the_limit_is_413(server, site, redis_url):
    port, _ = server
    raw = b"{" + b" " * limits.MAX_BODY_BYTES + b"}"
    headers = {**bearer(site), "Content-Type": "application/json"}
    with unchanged(redis_url):
        status, _, _ = request(port, "POST", "/v1/comments", raw, headers)
    assert status == 413


def test_the_access_log_carries_neither_body_nor_query(server, site):
    port, log_path = server
    line = '"POST /v1/comments" 202'
    logged_before = log_path.read_text().count(line)
    address = "riservato.lettore@example.it"
    raw = json.dumps(comment(email=address, content=f"scrivete a {address}")).encode()
    headers = {**bearer(site), "Content-Type": "application/json"}
    status, _, _ = request(port, "POST", f"/v1/comments?email={address}", raw, headers)
    assert status == 202
    deadline = time.monotonic() + 5
    while log_path.read_text().count(line) == logged_before and time.monotonic() < deadline:
        time.sleep(0.05)
    log = log_path.read_text()
    assert log.count(line) == logged_before + 1
    assert "riservato" not in log
    assert site not in log
