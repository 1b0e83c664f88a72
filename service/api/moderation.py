"""Moderators' JSON API: the review queue and decisions."""

from flask import Blueprint, g, request
from marshmallow import ValidationError

from service import moderation
from service.auth import require
from service.problems import Conflict, Invalid, NotFound
from service.redis_conn import get_redis
from service.request_body import parse
from service.schemas import BulkDecision, Decision, QueueQuery
from service.vocabulary import Role

bp = Blueprint("moderation", __name__, url_prefix="/v1")


@bp.get("/moderation/queue")
@require(Role.MODERATOR)
def queue():
    try:
        query = QueueQuery().load(request.args.to_dict())
    except ValidationError as error:
        raise Invalid(error.messages) from None
    try:
        items, next_cursor = moderation.queue(get_redis(), **query)
    except ValueError as error:
        raise Invalid({"cursor": [str(error)]}) from None
    except moderation.UnknownComment:
        raise Invalid({"author_of": ["No comment with this id."]}) from None
    return {"comments": items, "next_cursor": next_cursor}


def _load(schema, data):
    try:
        return schema.load(data)
    except ValidationError as error:
        raise Invalid(error.messages) from None


@bp.post("/comments/<comment_id>/decision")
@require(Role.MODERATOR)
def decide_one(comment_id: str):
    data, _ = parse(request)
    decision = _load(Decision(), data)
    (result,) = moderation.decide(
        get_redis(), [comment_id], decision["action"], g.principal.actor, decision.get("note", "")
    )
    if result.result == "not_found":
        raise NotFound("No comment with this id.")
    if result.result == "not_scored":
        raise Conflict("This comment is not scored yet; decide it once it is.")
    return result.as_dict()


@bp.post("/moderation/decisions")
@require(Role.MODERATOR)
def decide_many():
    data, _ = parse(request)
    decision = _load(BulkDecision(), data)
    results = moderation.decide(
        get_redis(),
        decision["ids"],
        decision["action"],
        g.principal.actor,
        decision.get("note", ""),
    )
    return {
        "results": [result.as_dict() for result in results],
        "decided": sum(result.result in ("ok", "unchanged") for result in results),
    }
