"""`vaglio worker`: scores queued comments in batches and records verdicts.

Reads the stream through a consumer group; an entry is acknowledged only in the
same atomic step that stores its verdict (see transitions.py). Entries left
unacknowledged by a dead worker are claimed after ``claim_idle_ms``; a comment
delivered ``max_deliveries`` times without a verdict is held for a human with
SCORING_FAILED.
"""

import json
import logging
import os
import signal
import socket
import threading
import time

import redis

from service import keys, policy, sites, webhooks
from service.clock import now_ms
from service.comment_store import MODEL_INPUT_FIELDS, public_view
from service.config import Config
from service.model_holder import ModelHolder
from service.transitions import Change, Transitions
from service.vocabulary import Reason, Status, reason

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, r: redis.Redis, config: Config, name: str | None = None, models=None):
        self.r = r
        self.config = config
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.models = models or ModelHolder(r, config.model_poll_seconds)
        self.transitions = Transitions(r)
        self.stop = threading.Event()
        self.processed = 0
        self.model_version: str | None = None  # of the last batch scored

    def ensure_group(self) -> None:
        try:
            self.r.xgroup_create(keys.STREAM, keys.STREAM_GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def run(self, *, burst: bool = False, block_ms: int = 1000) -> int:
        """Process until stopped; with ``burst``, until nothing is left."""
        self.ensure_group()
        while not self.stop.is_set():
            entries = self._claim_stale() or self._read_new(None if burst else block_ms)
            if entries:
                self.process(entries)
            elif burst and not self._pending_count():
                break
            elif burst:
                time.sleep(min(self.config.claim_idle_ms / 1000, 0.05))
            self._heartbeat()
        return self.processed

    def _read_new(self, block_ms: int | None) -> list:
        reply = self.r.xreadgroup(
            keys.STREAM_GROUP,
            self.name,
            {keys.STREAM: ">"},
            count=self.config.batch_size,
            block=block_ms,
        )
        return reply[0][1] if reply else []

    def _claim_stale(self) -> list:
        # Redis 7 adds a third element (deleted ids) to the reply; 6.2 has two.
        entries = self.r.xautoclaim(
            keys.STREAM,
            keys.STREAM_GROUP,
            self.name,
            min_idle_time=self.config.claim_idle_ms,
            start_id="0-0",
            count=self.config.batch_size,
        )[1]
        # Entries deleted from the stream come back as None.
        return [entry for entry in entries if entry and entry[1]]

    def _pending_count(self) -> int:
        return self.r.xpending(keys.STREAM, keys.STREAM_GROUP)["pending"]

    def process(self, entries: list) -> None:
        """Score one batch and store each verdict with its acknowledgement."""
        pipe = self.r.pipeline(transaction=False)
        for _, fields in entries:
            pipe.hincrby(keys.comment(fields["id"]), "attempts", 1)
            pipe.hgetall(keys.comment(fields["id"]))
        replies = pipe.execute()
        batch = []
        for (entry_id, entry_fields), attempts, record in zip(
            entries, replies[::2], replies[1::2], strict=True
        ):
            if "site" not in record:
                # Erased meanwhile: drop what the `attempts` count just recreated.
                self.r.delete(keys.comment(entry_fields["id"]))
                self._ack(entry_id)
                continue
            if record.get("status") != Status.PENDING:  # already decided: a redelivery
                self._ack(entry_id)
                continue
            batch.append((entry_id, record, int(attempts)))
        if not batch:
            return
        pipe = self.r.pipeline(transaction=False)
        for _, record, _ in batch:
            pipe.hget(keys.author(record["site"], record["email_hash"]), "approved")
        approved_before = [int(n or 0) for n in pipe.execute()]
        version, model = self.models.current()  # once per batch: no mixed versions
        self.model_version = version
        assessments = self._assess([record for _, record, _ in batch], version, model)
        changes = []
        for (entry_id, record, attempts), assessment, approved in zip(
            batch, assessments, approved_before, strict=True
        ):
            if assessment is None and attempts < self.config.max_deliveries:
                continue  # left unacknowledged: claimed and retried after claim_idle_ms
            changes.append(self._change(entry_id, record, assessment, model, approved))
        outcomes = self.transitions.apply(changes)
        # Another worker may have claimed and decided some first (STALE): only
        # the verdicts this worker stored count as its own.
        self.processed += sum(outcome.result == "OK" for outcome in outcomes)

    def _assess(self, records: list[dict], version, model) -> list[policy.Assessment | None]:
        """One assessment per record; None where scoring failed (retry later)."""
        if model is None:
            return [None] * len(records)
        inputs = [{k: record.get(k, "") for k in MODEL_INPUT_FIELDS} for record in records]
        try:
            scores = model.score(inputs)
        except Exception:
            log.exception("batch scoring failed; scoring %d comments one by one", len(inputs))
            scores = [self._score_one(model, item) for item in inputs]
        return [
            None
            if score is None
            else policy.Assessment(score.probability, list(score.reasons), version)
            for score in scores
        ]

    @staticmethod
    def _score_one(model, item):
        try:
            return model.score([item])[0]
        except Exception:
            log.exception("scoring failed for one comment")
            return None

    def _change(self, entry_id: str, record: dict, assessment, model, approved: int) -> Change:
        settings = sites.settings(self.r, record["site"])
        decided = now_ms()
        if assessment is None:
            status = Status.HELD
            reasons = [
                reason(
                    Reason.SCORING_FAILED,
                    f"not scored after {self.config.max_deliveries} attempts"
                    if model is not None
                    else "no active model",
                )
            ]
            fields = {"decided_ms": decided, "reasons": json.dumps(reasons)}
        else:
            author = author_state(record, settings, approved)
            model_thresholds = (model.thresholds.approve_below, model.thresholds.spam_from)
            verdict = policy.decide(record, assessment, settings, author, model_thresholds)
            status, reasons = verdict.status, verdict.reasons
            fields = {
                "decided_ms": decided,
                "reasons": json.dumps(reasons, ensure_ascii=False),
                "score": f"{assessment.probability:.4f}",
                "model_version": assessment.model_version or "",
            }
        decided_record = {**record, **{k: str(v) for k, v in fields.items()}, "status": status}
        event_id, on_approve, on_remove = "", "", ""
        if settings.get("webhook_url"):
            event_id, on_approve = webhooks.event(
                "comment.approved", record["site"], public_view(decided_record)
            )
        return Change(
            record=record,
            to=str(status),
            fields=fields,
            audit={
                "who": f"worker:{self.name}",
                "when": decided,
                "from": "pending",
                "to": str(status),
                "note": "",
            },
            expected=str(Status.PENDING),
            stream_entry=entry_id,
            event_id=event_id,
            on_approve=on_approve,
            on_remove=on_remove,
        )

    def _ack(self, entry_id: str) -> None:
        pipe = self.r.pipeline(transaction=False)
        pipe.xack(keys.STREAM, keys.STREAM_GROUP, entry_id)
        pipe.xdel(keys.STREAM, entry_id)
        pipe.execute()

    def _heartbeat(self) -> None:
        version = self.model_version
        self.r.hset(
            keys.WORKERS,
            self.name,
            json.dumps(
                {"seen_ms": now_ms(), "model_version": version, "processed": self.processed}
            ),
        )


def author_state(record: dict, settings: dict, approved: int) -> policy.AuthorState:
    if record["email_hash"] in settings["blocked_email_hashes"]:
        return policy.AuthorState(approved, True, "e-mail")
    if record.get("ip_hash") and record["ip_hash"] in settings["blocked_ip_hashes"]:
        return policy.AuthorState(approved, True, "IP")
    return policy.AuthorState(approved)


def main(config: Config) -> None:
    """Entry point of `vaglio worker`: scoring loop plus webhook sender."""
    from service import bootstrap
    from service.redis_conn import connect

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    r = connect(config)
    bootstrap.ensure_model(r, config, echo=log.info)
    worker = Worker(r, config)

    def on_term(signum, frame):
        log.info("signal %d: finishing the current batch", signum)
        worker.stop.set()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    sender = threading.Thread(
        target=webhooks.Sender(r, config.secret_key).run, args=(worker.stop,), daemon=True
    )
    sender.start()
    log.info("worker %s started", worker.name)
    while not worker.stop.is_set():
        try:
            worker.run()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            log.warning("Redis unavailable (%s); retrying in 1 s", error)
            worker.stop.wait(1)
    sender.join(timeout=15)
    log.info("worker %s stopped after %d verdicts", worker.name, worker.processed)
