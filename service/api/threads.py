"""The site reads what was released: approved comments of a thread."""

from flask import Blueprint, Response, g, json, request
from marshmallow import ValidationError

from service import keys
from service.auth import require
from service.comment_store import public_view
from service.problems import Invalid
from service.redis_conn import get_redis
from service.schemas import ThreadQuery
from service.vocabulary import Role

bp = Blueprint("threads", __name__, url_prefix="/v1")


@bp.get("/threads/<thread:thread>/comments")
@require(Role.SITE)
def listing(thread: str):
    site = g.principal.site
    try:
        query = ThreadQuery().load(request.args.to_dict())
    except ValidationError as error:
        raise Invalid(error.messages) from None
    cursor, limit = query.get("cursor", ""), query["limit"]
    r = get_redis()
    # The ETag names the thread's version (bumped on every change) and the
    # page asked for, so a matching If-None-Match costs one small read.
    version = r.get(keys.thread_version(site, thread)) or "0"
    etag = f'"{version}-{cursor}-{limit}"'
    if etag in _if_none_match():
        return Response(status=304, headers={"ETag": etag})
    start = f"({cursor}" if cursor else "-"
    ids = r.zrangebylex(keys.thread(site, thread), start, "+", start=0, num=limit + 1)
    pipe = r.pipeline(transaction=False)
    for comment_id in ids[:limit]:
        pipe.hgetall(keys.comment(comment_id))
    comments = [public_view(record) for record in pipe.execute() if record]
    body = {
        "thread": thread,
        "comments": comments,
        "next_cursor": ids[limit - 1] if len(ids) > limit else None,
    }
    return Response(
        json.dumps(body),
        mimetype="application/json",
        headers={"ETag": etag, "Cache-Control": "no-cache"},
    )


def _if_none_match() -> set[str]:
    return {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
