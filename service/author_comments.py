"""An author's comments, found by the e-mail address they were posted with,
and the copy of them a reader may ask for (GDPR, art. 15: right of access).

Comments are found through the per-author index written at ingest
(`keys.author_comments`); `scan=True` also walks every stored comment, for
comments stored before that index existed. The e-mail address is only ever
hashed here: it is never stored, logged or returned.
"""

from collections.abc import Iterator

import redis
from marshmallow import ValidationError

from service import keys, privacy, sites
from service.comment_store import CommentStore, public_view
from service.schemas import AuthorQuery


def load_query(r: redis.Redis, body: dict) -> dict:
    """`email`, `site` (None: every site) and `scan` from an operator's request,
    through `schemas.AuthorQuery`; an unknown site is a field error too.
    Raises `marshmallow.ValidationError`."""
    wanted = AuthorQuery().load(body)
    site = wanted.get("site")
    if site is not None and not sites.exists(r, site):
        raise ValidationError({"site": ["No site with this name."]})
    return {"email": wanted["email"], "site": site, "scan": wanted["scan"]}


def find(
    r: redis.Redis, email_hash: str, *, site: str | None = None, scan: bool = False
) -> dict[str, set[str]]:
    """Site -> ids of the comments posted with this e-mail hash there."""
    names = [site] if site is not None else sites.names(r)
    found = {name: set(r.smembers(keys.author_comments(name, email_hash))) for name in names}
    if scan:
        for comment_id, comment_site in _scan(r, email_hash):
            if comment_site in found:
                found[comment_site].add(comment_id)
    return found


def export(
    r: redis.Redis, secret: str, email: str, *, site: str | None = None, scan: bool = False
) -> dict:
    """What Vaglio keeps about the author of `email`: each site's comments (as
    the API shows them, oldest first) and the author's counters there."""
    email_hash = privacy.email_hash(secret, email)
    store = CommentStore(r)
    result = {}
    for name, ids in find(r, email_hash, site=site, scan=scan).items():
        pipe = r.pipeline(transaction=False)
        for comment_id in ids:
            pipe.hgetall(keys.comment(comment_id))
        records = [record for record in pipe.execute() if record]
        if records:
            # ids break ties: comments of one millisecond come in the order they were made
            comments = sorted(records, key=lambda record: (int(record["created_ms"]), record["id"]))
            result[name] = {
                "comments": [public_view(record) for record in comments],
                "author_history": store.author_history(name, email_hash),
            }
    return {"sites": result, "comments": sum(len(s["comments"]) for s in result.values())}


def _scan(r: redis.Redis, email_hash: str) -> Iterator[tuple[str, str]]:
    """(id, site) of every stored comment posted with this e-mail hash."""
    batch: list[str] = []
    for name in r.scan_iter(match=keys.comment("*"), count=1000):
        batch.append(name)
        if len(batch) == 1000:
            yield from _matching(r, batch, email_hash)
            batch = []
    yield from _matching(r, batch, email_hash)


def _matching(r: redis.Redis, names: list[str], email_hash: str) -> Iterator[tuple[str, str]]:
    pipe = r.pipeline(transaction=False)
    for name in names:
        pipe.hmget(name, "id", "site", "email_hash")
    for comment_id, site, found_hash in pipe.execute() if names else []:
        if comment_id and found_hash == email_hash:
            yield comment_id, site
