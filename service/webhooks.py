"""Signed webhook events to the site: queued atomically with the status change,
delivered at least once, always under the same event id, retried with
exponential backoff for up to 24 hours.
"""

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request

import redis

from service import keys, sites
from service.clock import iso, new_id, now_ms

log = logging.getLogger(__name__)

GIVE_UP_AFTER_MS = 24 * 3600 * 1000
FIRST_RETRY_SECONDS = 10
MAX_RETRY_SECONDS = 3600
LEASE_MS = 60_000  # a claimed event is retried after this if its sender died
TIMEOUT_SECONDS = 10

# Claim due events: move their due time one lease ahead so another sender
# does not take them while this one is posting.
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return due
"""


def signing_key(secret: str, site: str) -> bytes:
    return hmac.new(secret.encode(), f"webhook\x00{site}".encode(), hashlib.sha256).digest()


def signature(key: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event(kind: str, site: str, comment: dict | None) -> tuple[str, str]:
    """(event id, JSON payload); the payload never has an e-mail or an IP.
    A `ping` has no comment."""
    event_id = "evt_" + new_id()
    payload = {"id": event_id, "type": kind, "created_at": iso(now_ms()), "site": site}
    if comment is not None:
        payload["comment"] = comment
    return event_id, json.dumps(payload, ensure_ascii=False)


def post(url: str, secret: str, site: str, body: bytes) -> None:
    """POST one signed event; raises on a network error or a non-2xx answer."""
    timestamp = int(time.time())
    # webhook_url is validated as http(s) when the operator sets it.
    request = urllib.request.Request(  # noqa: S310
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Vaglio-Webhook/1",
            "X-Vaglio-Signature": signature(signing_key(secret, site), timestamp, body),
            "X-Vaglio-Event": json.loads(body)["id"],
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise ValueError(f"HTTP {response.status}")


def ping(r: redis.Redis, secret: str, site: str) -> dict:
    """Send the site a signed `ping` now (not queued, not retried), so its
    developers can check their receiver and its signature check."""
    url = sites.settings(r, site, fresh=True).get("webhook_url")
    if not url:
        raise sites.SiteError(f"Site {site!r} has no webhook_url.")
    event_id, body = event("ping", site, None)
    try:
        post(url, secret, site, body.encode())
    except urllib.error.HTTPError as error:
        return {"delivered": False, "event": event_id, "error": f"HTTP {error.code}"}
    except (urllib.error.URLError, OSError, ValueError) as error:
        return {"delivered": False, "event": event_id, "error": str(error)}
    return {"delivered": True, "event": event_id}


class Sender:
    def __init__(self, r: redis.Redis, secret: str, batch: int = 20):
        self.r = r
        self.secret = secret
        self.batch = batch
        self._claim = r.register_script(_CLAIM)

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            try:
                sent = self.deliver_due()
            except redis.RedisError as error:
                log.warning("webhook sender: Redis error: %s", error)
                sent = 0
            if not sent:
                stop.wait(interval)

    def deliver_due(self) -> int:
        now = now_ms()
        due = self._claim(keys=[keys.WEBHOOK_QUEUE], args=[now, now + LEASE_MS, self.batch])
        for event_id in due:
            self._deliver(event_id, now)
        return len(due)

    def _deliver(self, event_id: str, now: int) -> None:
        record = self.r.hgetall(keys.webhook_event(event_id))
        if not record:
            self.r.zrem(keys.WEBHOOK_QUEUE, event_id)
            return
        body = record["body"].encode()
        site = json.loads(body)["site"]
        url = sites.settings(self.r, site).get("webhook_url")
        if not url:
            self._finish(event_id, "dropped", "the site has no webhook URL any more")
            return
        try:
            post(url, self.secret, site, body)
        except (urllib.error.URLError, OSError, ValueError) as error:
            self._retry(event_id, record, now, error)
            return
        self._finish(event_id, "delivered", "")

    def _retry(self, event_id: str, record: dict, now: int, error: Exception) -> None:
        attempts = int(record.get("attempts", 0)) + 1
        if now - int(record["created_ms"]) > GIVE_UP_AFTER_MS:
            self._finish(event_id, "abandoned", f"after {attempts} attempts: {error}")
            return
        delay = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
        pipe = self.r.pipeline()
        pipe.hset(keys.webhook_event(event_id), "attempts", attempts)
        pipe.zadd(keys.WEBHOOK_QUEUE, {event_id: now + delay * 1000})
        pipe.execute()
        log.info("webhook %s failed (%s); retry %d in %d s", event_id, error, attempts, delay)

    def _finish(self, event_id: str, outcome: str, detail: str) -> None:
        pipe = self.r.pipeline()
        pipe.zrem(keys.WEBHOOK_QUEUE, event_id)
        pipe.delete(keys.webhook_event(event_id))
        pipe.hincrby(keys.METRICS, f"webhooks_{outcome}", 1)
        pipe.execute()
        log.info("webhook %s %s %s", event_id, outcome, detail)
