"""Background jobs (retrain from the API), run as detached processes.

The job's state lives in Redis, so any API process can answer a poll, and the
job survives the gunicorn worker that started it.
"""

import json
import logging
import os
import subprocess
import sys
import threading
import time
import traceback

import redis

from service import keys
from service.clock import iso, new_id, now_ms

log = logging.getLogger(__name__)
JOB_TTL_SECONDS = 7 * 24 * 3600


class JobBusy(Exception):
    pass


def create_retrain(r: redis.Redis, *, activate: bool, force: bool) -> str:
    job_id = "job_" + new_id()
    if not r.set(keys.RETRAIN_LOCK, job_id, nx=True, ex=3600):
        raise JobBusy(r.get(keys.RETRAIN_LOCK) or "")
    params = {"activate": activate, "force": force}
    r.hset(
        keys.job(job_id),
        mapping={
            "id": job_id,
            "kind": "retrain",
            "status": "queued",
            "step": "queued",
            "created_ms": now_ms(),
            "params": json.dumps(params),
        },
    )
    r.expire(keys.job(job_id), JOB_TTL_SECONDS)
    r.zadd(keys.JOBS, {job_id: time.time()})
    process = subprocess.Popen(
        [sys.executable, "-m", "service.jobs", job_id],
        env=os.environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # outlives the gunicorn worker that started it
    )
    # Reap it when it ends, so it leaves no zombie behind in a long-lived worker.
    threading.Thread(target=process.wait, daemon=True).start()
    return job_id


def view(r: redis.Redis, job_id: str) -> dict | None:
    record = r.hgetall(keys.job(job_id)) if len(job_id) < 64 else {}
    if not record:
        return None
    out = {
        "id": record["id"],
        "kind": record["kind"],
        "status": record["status"],
        "step": record.get("step"),
        "created_at": iso(int(record["created_ms"])),
        "params": json.loads(record["params"]),
    }
    if record.get("result"):
        out["result"] = json.loads(record["result"])
    if record.get("error"):
        out["error"] = record["error"]
    return out


def run_retrain_job(r: redis.Redis, config, job_id: str) -> None:
    from service import retrain

    params = json.loads(r.hget(keys.job(job_id), "params"))

    def step(text: str) -> None:
        r.hset(keys.job(job_id), mapping={"status": "running", "step": text})

    try:
        step("starting")
        result = retrain.run(
            r,
            config.data_dir,
            activate=params["activate"],
            force=params["force"],
            progress=False,
            on_step=step,
        )
        r.hset(
            keys.job(job_id),
            mapping={"status": "done", "step": "done", "result": json.dumps(result.as_dict())},
        )
    except Exception as error:
        log.error("retrain job %s failed:\n%s", job_id, traceback.format_exc())
        r.hset(keys.job(job_id), mapping={"status": "failed", "error": str(error)[:500]})
    finally:
        if r.get(keys.RETRAIN_LOCK) == job_id:
            r.delete(keys.RETRAIN_LOCK)


if __name__ == "__main__":
    from service.config import from_env
    from service.redis_conn import connect

    configuration = from_env()
    run_retrain_job(connect(configuration), configuration, sys.argv[1])
