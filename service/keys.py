"""Every Redis key Vaglio uses, in one place.

All keys start with ``vaglio:`` so a Redis shared with other applications stays
readable. Keys that one Lua script touches together share the ``{vaglio}`` hash
tag: on a Redis Cluster they land in the same slot, which scripts and MULTI
require. Change the tag here, and only here, to shard differently.
"""

PREFIX = "vaglio:{vaglio}:"

# Ingest and scoring
STREAM = PREFIX + "stream:incoming"  # comment ids waiting to be scored
STREAM_GROUP = "scorers"  # consumer group of `vaglio worker` processes
METRICS = PREFIX + "metrics"  # hash of counters shown by /metrics
SITES = PREFIX + "sites"  # set of site names
MODERATION_LABELS = PREFIX + "labels"  # hash: comment id -> label record (JSON)
LABELS_COUNTER = PREFIX + "labels:seq"  # labels written so far (retrain trigger)
LABELS_AT_RETRAIN = PREFIX + "labels:seq-at-retrain"  # LABELS_COUNTER at the last retrain
MODELS = PREFIX + "models"  # zset of model versions by creation time
ACTIVE_MODEL = PREFIX + "models:active"  # string: the active version
MODEL_HISTORY = PREFIX + "models:history"  # list of previously active versions
MODEL_SEQ = PREFIX + "models:seq"  # counter naming the next version
MODEL_TRAIN_LOCK = PREFIX + "models:bootstrap-lock"  # one process trains the default model
WEBHOOK_QUEUE = PREFIX + "webhooks:due"  # zset of event ids by next attempt time
JOBS = PREFIX + "jobs"  # zset of background job ids by creation time
RETRAIN_LOCK = PREFIX + "jobs:retrain-lock"  # one retrain at a time
WORKERS = PREFIX + "workers"  # hash: worker name -> last heartbeat (JSON)


def comment(comment_id: str) -> str:
    return f"{PREFIX}comment:{comment_id}"


def audit(comment_id: str) -> str:
    return f"{PREFIX}audit:{comment_id}"


def site(name: str) -> str:
    return f"{PREFIX}site:{name}"


def token(token_hash: str) -> str:
    return f"{PREFIX}token:{token_hash}"


def thread(site_name: str, thread_id: str) -> str:
    """Sorted set of approved comment ids, scored by creation time."""
    return f"{PREFIX}thread:{site_name}:{thread_id}"


def thread_version(site_name: str, thread_id: str) -> str:
    """Counter bumped on every change of a thread listing (ETag source)."""
    return f"{PREFIX}threadver:{site_name}:{thread_id}"


def by_status(status: str) -> str:
    """Sorted set of comment ids in one status, scored by creation time."""
    return f"{PREFIX}status:{status}"


def by_status_score(status: str) -> str:
    """Sorted set of comment ids in one status, scored by spam score."""
    return f"{PREFIX}status-score:{status}"


def duplicate(site_name: str, fingerprint: str) -> str:
    return f"{PREFIX}dup:{site_name}:{fingerprint}"


def flood(site_name: str, kind: str, digest: str) -> str:
    return f"{PREFIX}flood:{site_name}:{kind}:{digest}"


def idempotency(site_name: str, key_digest: str) -> str:
    return f"{PREFIX}idem:{site_name}:{key_digest}"


def author(site_name: str, email_hash: str) -> str:
    """Hash of counters (approved/spam/held/...) for one author on one site."""
    return f"{PREFIX}author:{site_name}:{email_hash}"


def author_comments(site_name: str, email_hash: str) -> str:
    """Set of the ids of one author's comments on one site (for erasure)."""
    return f"{PREFIX}author-comments:{site_name}:{email_hash}"


def model_artifact(version: str) -> str:
    return f"{PREFIX}model:{version}:blob"


def model_card(version: str) -> str:
    return f"{PREFIX}model:{version}:card"


def webhook_event(event_id: str) -> str:
    return f"{PREFIX}webhook:{event_id}"


def job(job_id: str) -> str:
    return f"{PREFIX}job:{job_id}"


def session(session_id: str) -> str:
    return f"{PREFIX}session:{session_id}"
