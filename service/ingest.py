"""Turning a validated submission into a stored, queued comment record."""

import hashlib
import json
import math

from flask import current_app
from marshmallow import ValidationError

from service import privacy, sites, textclean
from service.clock import iso, new_id, now_ms
from service.comment_store import CommentStore
from service.problems import Conflict, Invalid, TooFast, Unprocessable
from service.schemas import CommentSubmission
from service.vocabulary import Reason, Status, reason

_schemas: dict[int, CommentSubmission] = {}


def submission_schema(content_max: int) -> CommentSubmission:
    schema = _schemas.get(content_max)
    if schema is None:
        schema = _schemas[content_max] = CommentSubmission(content_max=content_max)
    return schema


def accept(store: CommentStore, site: str, data: dict, raw: bytes, idem_key: str | None) -> dict:
    """Validate, redact, store and queue one comment; return the 202 body."""
    config = current_app.config["VAGLIO"]
    policy = sites.settings(store.r, site)
    try:
        submission = submission_schema(policy["content_max"]).load(data)
    except ValidationError as error:
        raise Invalid(error.messages) from None
    record = build_record(site, submission, config.secret_key)
    honeypot = bool(submission.get("honeypot"))
    answer = {
        "id": record["id"],
        "status": str(Status.PENDING),
        "thread": record["thread"],
        "created_at": iso(int(record["created_ms"])),
    }
    # Only a request with an Idempotency-Key needs its body and answer remembered.
    body_digest = idem_value = ""
    if idem_key is not None:
        body_digest = hashlib.sha256(raw).hexdigest()
        idem_value = json.dumps({"body": body_digest, "answer": answer})
    result = store.ingest(
        record,
        duplicate_fp=duplicate_fingerprint(record),
        flood_seconds=int(policy["flood_seconds"]),
        idempotency_key=idempotency_digest(idem_key),
        idempotency_value=idem_value,
        honeypot=honeypot,
    )
    if result.outcome == "OK":
        return answer
    if result.outcome == "IDEMPOTENT":
        first = json.loads(result.value)
        if first["body"] != body_digest:
            raise Unprocessable(
                "This Idempotency-Key was used with a different body.",
                errors={"Idempotency-Key": ["Already used with a different body."]},
            )
        return first["answer"]
    if result.outcome == "DUPLICATE":
        raise Conflict(
            "The same author already posted this comment in this thread.",
            duplicate_of=result.value,
        )
    if result.outcome == "FLOOD":
        wait = max(1, math.ceil(int(result.value) / 1000))
        raise TooFast(
            f"Comments are too close together; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    if result.outcome == "PARENT_NOT_APPROVED":
        raise Invalid({"parent": ["The parent comment is not approved."]})
    raise Invalid({"parent": ["No comment with this id in this thread."]})


def build_record(site: str, submission: dict, secret: str) -> dict:
    """The stored form: e-mails hidden, IP truncated and hashed, all strings."""
    created = now_ms()
    email = submission["email"]
    record = {
        "id": new_id(created),
        "site": site,
        "thread": submission["thread"],
        "author": privacy.redact_emails(submission["author"]),
        "content": privacy.redact_emails(submission["content"]),
        "email_hash": privacy.email_hash(secret, email),
        "email_masked": privacy.mask_email(email),
        "status": str(Status.PENDING),
        "created_ms": str(created),
    }
    if submission.get("parent"):
        record["parent"] = submission["parent"]
    if submission.get("url"):
        record["url"] = privacy.redact_emails(submission["url"])
    for name in ("user_agent", "referrer", "permalink"):
        if submission.get(name):
            record[name] = privacy.redact_emails(submission[name])
    if submission.get("lang"):
        record["lang"] = submission["lang"]
    if submission.get("user_ip"):
        record["ip_net"], record["ip_hash"] = privacy.anonymise_ip(secret, submission["user_ip"])
    if submission.get("honeypot"):
        record.update(
            status=str(Status.SPAM),
            decided_ms=str(created),
            reasons=json.dumps([reason(Reason.HONEYPOT, "the hidden form field was filled")]),
        )
    return record


def duplicate_fingerprint(record: dict) -> str:
    text = "\x00".join(
        [record["thread"], record["email_hash"], textclean.fingerprint_text(record["content"])]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_digest(key: str | None) -> str | None:
    if key is None:
        return None
    return hashlib.sha256(key.encode()).hexdigest()
