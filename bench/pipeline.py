"""Benchmark the path from 202 to verdict, and how many verdicts a worker gives.

1. Latency: `vaglio serve --no-worker` (gunicorn) plus ONE `vaglio worker`
   process; comments are POSTed through the real HTTP API at a fixed rate
   (open loop, default 200/s for 15 s). For each comment, the time from the
   client receiving its 202 to the verdict's `decided_ms` in Redis (same
   machine, same clock). Prints p50/p99; target p99 < 250 ms at 200/s.
2. Throughput: a backlog of N comments is queued through the same Lua ingest
   script the API uses (quicker than HTTP; the worker cannot tell), then one
   worker process, and in a second round two, drain it. Rate = verdicts
   between the first and last `decided_ms`. Target >= 2,000 verdicts/s per
   worker process (one process, which has a core to itself).

Redis: embedded in a temp data dir by default, or --redis-url (a database of
its own: it is FLUSHED). Loopback only; every loop is bounded.

    .venv/bin/python bench/pipeline.py
    .venv/bin/python bench/pipeline.py --rate 200 --seconds 15 --backlog 20000
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
from pathlib import Path

# bench/classifier.py would hide the classifier package: the repository first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402
from _common import (  # noqa: E402
    LOOPBACK,
    Server,
    free_port,
    percentile,
    remove_dir,
    run_checked,
    temp_dir,
    vaglio_command,
)

from service import keys  # noqa: E402
from service.comment_store import CommentStore  # noqa: E402
from service.config import from_env  # noqa: E402
from service.ingest import build_record, duplicate_fingerprint  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "pipeline.json"
WORDS = [
    "articolo",
    "telefono",
    "batteria",
    "aggiornamento",
    "prezzo",
    "rete",
    "governo",
    "squadra",
    "ricetta",
    "motore",
    "scienza",
    "privacy",
    "giochi",
    "musica",
    "video",
    "grazie",
    "bello",
    "utile",
    "dubbio",
]


def comment_body(n: int, rng: random.Random) -> dict:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
    return {
        "thread": f"articolo-{n % 50}",
        "author": f"Lettore {n}",
        "email": f"lettore{n}@example.it",
        "content": f"{words.capitalize()}. Commento {n}.",
    }


def _poster(args) -> list[tuple[str, float]]:
    """Post comments number ``first``, ``first + step``, ... at their scheduled times."""
    port, token, first, step, total, rate, start = args
    rng = random.Random(first)
    accepted = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for n in range(first, total, step):
        due = start + n / rate
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        try:
            conn.request("POST", "/v1/comments", json.dumps(comment_body(n, rng)), headers)
            response = conn.getresponse()
            body = response.read()
            if response.status == 202:
                accepted.append((json.loads(body)["id"], time.time()))
        except OSError:
            pass
        finally:
            conn.close()
    return accepted


def latency_phase(port, token, r, rate, seconds, clients):
    total = int(rate * seconds)
    start = time.time() + 0.5
    jobs = [(port, token, i, clients, total, rate, start) for i in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        accepted = [item for part in pool.map(_poster, jobs) for item in part]
    deadline = time.monotonic() + 60
    latencies = []
    while time.monotonic() < deadline:
        pipe = r.pipeline(transaction=False)
        for comment_id, _ in accepted:
            pipe.hget(keys.comment(comment_id), "decided_ms")
        decided = pipe.execute()
        if all(decided):
            latencies = [int(ms) / 1000 - t for (_, t), ms in zip(accepted, decided, strict=True)]
            break
        time.sleep(0.2)
    return total, accepted, latencies


def fill_backlog(r, config, count: int, offset: int) -> None:
    store = CommentStore(r)
    rng = random.Random(offset)
    for n in range(offset, offset + count):
        submission = comment_body(n, rng)
        record = build_record("bench", submission, config.secret_key)
        store.ingest(
            record,
            duplicate_fp=duplicate_fingerprint(record),
            flood_seconds=0,
            idempotency_key=None,
            idempotency_value="",
            honeypot=False,
        )


def start_worker(env, log_path: Path) -> subprocess.Popen:
    with open(log_path, "ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            vaglio_command("worker"), env=env, stdout=log, stderr=subprocess.STDOUT
        )


def drain(r, env, workers: int, count: int, log_dir: Path) -> float:
    before = {k for k in r.scan_iter(keys.comment("*"), count=1000)}
    procs = [start_worker(env, log_dir / f"w{i}.log") for i in range(workers)]
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and r.xlen(keys.STREAM) > 0:
            time.sleep(0.2)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    pipe = r.pipeline(transaction=False)
    ids = sorted(before)
    for key in ids:
        pipe.hget(key, "decided_ms")
    decided = sorted(int(ms) for ms in pipe.execute() if ms)[-count:]
    if len(decided) < count:
        raise RuntimeError(f"only {len(decided)} of {count} comments decided")
    # Skip the first 2% (model load, start-up) so the rate is the sustained one.
    skip = count // 50
    return (count - skip) / max((decided[-1] - decided[skip]) / 1000, 1e-3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="comments/s posted [200]")
    parser.add_argument("--seconds", type=float, default=15.0, help="posting time [15]")
    parser.add_argument("--clients", type=int, default=8, help="posting processes [8]")
    parser.add_argument("--backlog", type=int, default=20000, help="comments to drain [20000]")
    parser.add_argument("--redis-url", default=None, help="a Redis database to FLUSH and use")
    args = parser.parse_args()

    data_dir = temp_dir("vaglio-bench-pipeline-")
    env = dict(os.environ, VAGLIO_DATA_DIR=str(data_dir), VAGLIO_MODEL_POLL_SECONDS="1")
    if args.redis_url:
        env["VAGLIO_REDIS_URL"] = args.redis_url
        redis.Redis.from_url(args.redis_url).flushdb()
    env.pop("VAGLIO_SECRET_KEY", None)
    results: dict = {}
    try:
        token = run_checked(vaglio_command("sites", "add", "bench"), env).strip().splitlines()[-1]
        run_checked(vaglio_command("sites", "set", "bench", "flood_seconds=0"), env)
        config = from_env(env=env)
        port = free_port()
        serve = vaglio_command("serve", "--no-worker", "--port", str(port))
        print("starting vaglio serve (trains the default model on first start)...", flush=True)
        with Server("vaglio", serve, env, port, data_dir / "serve.log"):
            from service.redis_conn import connect

            r = connect(config)
            worker = start_worker(env, data_dir / "worker.log")
            time.sleep(3)  # the worker loads the model
            try:
                total, accepted, latencies = latency_phase(
                    port, token, r, args.rate, args.seconds, args.clients
                )
            finally:
                worker.terminate()
                worker.wait(30)
            p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
            results["latency"] = {
                "rate": args.rate,
                "posted": total,
                "accepted": len(accepted),
                "decided": len(latencies),
                "p50_ms": round(p50, 1),
                "p99_ms": round(p99, 1),
            }
            print(
                f"202 -> verdict at {args.rate:.0f}/s, one worker: {len(accepted)}/{total} "
                f"accepted, p50 {p50:.1f} ms, p99 {p99:.1f} ms  "
                f"[{'PASS' if p99 < 250 and len(latencies) == len(accepted) else 'FAIL'}: "
                f"p99 < 250 ms]"
            )

            for workers in (1, 2):
                fill_backlog(r, config, args.backlog, offset=10_000_000 * workers)
                rate = drain(r, env, workers, args.backlog, data_dir)
                per_process = rate / workers
                results[f"throughput_{workers}_workers"] = {
                    "verdicts_per_s": round(rate),
                    "per_process": round(per_process),
                }
                verdict = "PASS" if per_process >= 2000 or workers > 1 else "FAIL"
                print(
                    f"{workers} worker process(es): {rate:,.0f} verdicts/s "
                    f"({per_process:,.0f} per process)"
                    + (f"  [{verdict}: >= 2,000/s per worker process]" if workers == 1 else "")
                )
    finally:
        from service import embedded_redis

        embedded_redis.stop(data_dir)
        remove_dir(data_dir)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"results: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
