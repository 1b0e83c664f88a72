"""Real `vaglio` processes and a webhook receiver, for the reliability tests."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def vaglio_env(config_overrides: dict, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        VAGLIO_REDIS_URL=config_overrides["redis_url"],
        VAGLIO_DATA_DIR=str(config_overrides["data_dir"]),
        VAGLIO_SECRET_KEY=config_overrides["secret_key"],
        VAGLIO_CLAIM_IDLE_MS="300",
        VAGLIO_MODEL_POLL_SECONDS="0.2",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_worker(env: dict, log_path) -> subprocess.Popen:
    with open(log_path, "ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker"], env=env, stdout=log, stderr=log
        )


def wait_for(predicate, timeout: float, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class WebhookReceiver:
    """An HTTP endpoint that records every event it gets and checks signatures."""

    def __init__(self, signing_key: bytes, fail_first: int = 0):
        self.events: list[dict] = []
        self.bad_signatures = 0
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                if not receiver._valid(self.headers.get("X-Vaglio-Signature", ""), body):
                    receiver.bad_signatures += 1
                receiver.events.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.key = signing_key
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _valid(self, header: str, body: bytes) -> bool:
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        expected = hmac.new(
            self.key, parts.get("t", "").encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
