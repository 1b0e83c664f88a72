"""Operators: site policy settings, the model registry, an author's comments
(export and erasure)."""

from flask import Blueprint, current_app, request
from marshmallow import ValidationError

from service import author_comments, erasure, jobs, registry, sites, webhooks
from service.auth import require
from service.problems import Conflict, Invalid, NotFound
from service.redis_conn import get_redis
from service.request_body import parse
from service.schemas import RetrainOptions
from service.vocabulary import Role

bp = Blueprint("admin", __name__, url_prefix="/v1")


def _site_settings_view(name: str, effective: dict) -> dict:
    view = sites.public_view(effective)
    if view.get("webhook_url"):
        # The key the site uses to check X-Vaglio-Signature.
        secret = current_app.config["VAGLIO"].secret_key
        view["webhook_signing_key"] = webhooks.signing_key(secret, name).hex()
    return view


@bp.get("/sites/<name>/settings")
@require(Role.OPERATOR)
def site_settings(name: str):
    try:
        effective = sites.settings(get_redis(), name, fresh=True)
    except sites.SiteError:
        raise NotFound(f"No site named {name!r}.") from None
    return _site_settings_view(name, effective)


def _redis_with_site(name: str):
    """The Redis client, once the site is known to exist (404 otherwise)."""
    r = get_redis()
    if not sites.exists(r, name):
        raise NotFound(f"No site named {name!r}.")
    return r


@bp.put("/sites/<name>/settings")
@require(Role.OPERATOR)
def change_site_settings(name: str):
    r = _redis_with_site(name)
    changes, _ = parse(request)
    try:
        sites.update(r, name, changes, current_app.config["VAGLIO"].secret_key)
    except ValidationError as error:
        raise Invalid(error.messages) from None
    return _site_settings_view(name, sites.settings(r, name, fresh=True))


@bp.post("/sites/<name>/webhook-test")
@require(Role.OPERATOR)
def test_webhook(name: str):
    """Send the site's webhook_url a signed `ping` now; says whether it answered 2xx."""
    r = _redis_with_site(name)
    try:
        return webhooks.ping(r, current_app.config["VAGLIO"].secret_key, name)
    except sites.SiteError as error:
        raise Conflict(str(error)) from None


@bp.get("/models")
@require(Role.OPERATOR)
def models():
    r = get_redis()
    return {"active": registry.active_version(r), "models": registry.listing(r)}


@bp.post("/models/<version>/activate")
@require(Role.OPERATOR)
def activate(version: str):
    r = get_redis()
    try:
        previous = registry.activate(r, version)
    except registry.UnusableModel as error:
        raise Conflict(str(error)) from None
    except registry.RegistryError as error:
        raise NotFound(str(error)) from None
    return {"active": version, "previous": previous}


@bp.post("/models/retrain")
@require(Role.OPERATOR)
def retrain():
    """Start a background retrain; poll the returned job."""
    body = parse(request)[0] if request.content_length or request.data else {}
    try:
        options = RetrainOptions().load(body)
    except ValidationError as error:
        raise Invalid(error.messages) from None
    try:
        job_id = jobs.create_retrain(get_redis(), **options)
    except jobs.JobBusy as busy:
        raise Conflict("A retrain is already running.", job=str(busy)) from None
    location = f"/v1/jobs/{job_id}"
    return {"job": job_id, "status": "queued", "poll": location}, 202, {"Location": location}


@bp.get("/jobs/<job_id>")
@require(Role.OPERATOR)
def job(job_id: str):
    found = jobs.view(get_redis(), job_id)
    if found is None:
        raise NotFound("No job with this id.")
    return found


def _author_query() -> dict:
    body, _ = parse(request)
    try:
        return author_comments.load_query(get_redis(), body)
    except ValidationError as error:
        raise Invalid(error.messages) from None


@bp.post("/authors/erase")
@require(Role.OPERATOR)
def erase_author():
    """Erase every comment posted with an e-mail address (see `service.erasure`)."""
    wanted = _author_query()
    secret = current_app.config["VAGLIO"].secret_key
    return erasure.erase_author(get_redis(), secret, **wanted).as_dict()


@bp.post("/authors/export")
@require(Role.OPERATOR)
def export_author():
    """Every comment posted with an e-mail address (see `service.author_comments`)."""
    wanted = _author_query()
    secret = current_app.config["VAGLIO"].secret_key
    return author_comments.export(get_redis(), secret, **wanted)
