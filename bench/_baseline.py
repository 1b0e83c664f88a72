"""The baseline of bench/ingest.py: a bare Flask endpoint that only parses the JSON.

Served by gunicorn with the very options `vaglio serve` uses
(``service.server.gunicorn_options``: worker count, worker class, access log,
timeouts), so the ratio measures Vaglio's work and nothing else.

    python bench/_baseline.py --port 8001 [--workers N]
"""

import argparse

from flask import Flask, request

from service import server


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/v1/comments")
    def submit():
        request.get_json()  # parse, and answer 400 to a malformed body
        return {"status": "pending"}, 202

    @app.get("/readyz")
    def readyz():
        return {"status": "ready"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    workers = args.workers or server.default_workers()
    server.VaglioServer(server.gunicorn_options(args.host, args.port, workers), create_app).run()


if __name__ == "__main__":
    main()
