"""Sites submit comments and read them back."""

from flask import Blueprint, g, request, url_for

from service import ingest, limits
from service.auth import require, require_any
from service.comment_store import CommentStore, moderator_view, public_view
from service.moderation import audit_trail
from service.problems import Forbidden, Invalid, NotFound
from service.redis_conn import get_redis
from service.request_body import parse
from service.vocabulary import Role

bp = Blueprint("comments", __name__, url_prefix="/v1")


def store() -> CommentStore:
    return CommentStore(get_redis())


@bp.post("/comments")
@require(Role.SITE)
def submit():
    data, raw = parse(request)
    idem_key = request.headers.get("Idempotency-Key")
    if idem_key is not None and not 1 <= len(idem_key) <= limits.IDEMPOTENCY_KEY_MAX:
        raise Invalid({"Idempotency-Key": [f"Must be 1-{limits.IDEMPOTENCY_KEY_MAX} characters."]})
    answer = ingest.accept(store(), g.principal.site, data, raw, idem_key)
    location = url_for("comments.show", comment_id=answer["id"])
    return answer, 202, {"Location": location}


@bp.get("/comments/<comment_id>")
@require_any(Role.SITE, Role.MODERATOR)
def show(comment_id: str):
    comments = store()
    record = comments.get(comment_id)
    principal = g.principal
    if record is None:
        raise NotFound("No comment with this id.")
    if principal.role is Role.SITE:
        if record["site"] != principal.site:
            raise Forbidden("This comment belongs to another site.")
        return public_view(record)
    history = comments.author_history(record["site"], record["email_hash"])
    return {**moderator_view(record, history), "audit": audit_trail(get_redis(), comment_id)}
