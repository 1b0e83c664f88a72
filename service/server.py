"""`vaglio serve`: gunicorn serving the app, plus a scoring worker process."""

import multiprocessing
import os
import signal
import subprocess
import sys

from gunicorn.app.base import BaseApplication

from service.config import Config


def default_workers() -> int:
    # A request is mostly CPU (validation, the app) and a sub-millisecond wait
    # for Redis, so one worker per core plus one to cover the waits does better
    # than gunicorn's usual 2 x cores + 1: on 2 cores, 3 sync workers took
    # about 12% more comments per second than 5, with a lower p99
    # (bench/ingest.py); more workers only trade places on the same cores.
    return multiprocessing.cpu_count() + 1


class VaglioServer(BaseApplication):
    def __init__(self, options: dict, app_factory):
        self.options = options
        self.app_factory = app_factory
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key.lower(), value)

    def load(self):
        return self.app_factory()


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    """gunicorn's settings for the API (bench/ingest.py serves its baseline with them too)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "accesslog": "-",
        # The access log line has method, path, status and timing; never the
        # body or query values of a comment.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
        "timeout": 30,
        "graceful_timeout": 20,
        "preload_app": False,
    }


def run(config: Config, host: str, port: int, workers: int, with_worker: bool) -> None:
    from service import create_app

    scorer = None
    if with_worker:
        # A separate process, not a thread in gunicorn's master: the master
        # forks workers, and forking beside a running thread is unsafe.
        scorer = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env=os.environ)
    options = gunicorn_options(host, port, workers)
    try:
        VaglioServer(options, lambda: create_app(config)).run()
    finally:
        if scorer is not None and scorer.poll() is None:
            scorer.send_signal(signal.SIGTERM)
            try:
                scorer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                scorer.kill()
