"""`GET /openapi.json`: the HTTP contract, built from the marshmallow schemas."""

from marshmallow import Schema, fields, validate

from service import schemas, sites

_TYPES = {
    fields.String: "string",
    fields.Integer: "integer",
    fields.Float: "number",
    fields.Boolean: "boolean",
    fields.List: "array",
}


def _field(field: fields.Field) -> dict:
    kind = next((t for cls, t in _TYPES.items() if isinstance(field, cls)), "string")
    out: dict = {"type": kind}
    if isinstance(field, fields.List):
        out["items"] = _field(field.inner)
    for validator in field.validators:
        if isinstance(validator, validate.Length):
            key = "Items" if kind == "array" else "Length"
            if validator.min is not None:
                out[f"min{key}"] = validator.min
            if validator.max is not None:
                out[f"max{key}"] = validator.max
        elif isinstance(validator, validate.OneOf):
            out["enum"] = list(validator.choices)
        elif isinstance(validator, validate.Range):
            out["minimum"], out["maximum"] = validator.min, validator.max
    if field.allow_none:
        out["nullable"] = True
    return out


def _schema(schema: Schema) -> dict:
    props = {name: _field(f) for name, f in schema.fields.items() if not f.dump_only}
    required = [name for name, f in schema.fields.items() if f.required]
    return {"type": "object", "properties": props, "required": required}


def _op(summary: str, role: str | None, body: str | None = None, ok: str = "200") -> dict:
    op: dict = {"summary": summary, "responses": {ok: {"description": "success"}}}
    if role:
        op["security"] = [{"bearer": []}]
        op["x-role"] = role
        op["responses"].update(
            {
                "401": {"description": "no or unknown token"},
                "403": {"description": "wrong role or other site"},
            }
        )
    if body:
        op["requestBody"] = {"content": {"application/json": {"schema": {"$ref": body}}}}
        op["responses"]["422"] = {"description": "invalid fields (problem+json with errors)"}
    return op


def document() -> dict:
    ref = "#/components/schemas/"
    return {
        "openapi": "3.0.3",
        "info": {"title": "Vaglio", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "CommentSubmission": _schema(schemas.CommentSubmission()),
                "Decision": _schema(schemas.Decision()),
                "BulkDecision": _schema(schemas.BulkDecision()),
                "SiteSettings": _schema(sites.SiteSettingsUpdate()),
                "AuthorQuery": _schema(schemas.AuthorQuery()),
            },
        },
        "paths": {
            "/v1/comments": {
                "post": _op("Submit a comment", "site", ref + "CommentSubmission", "202")
            },
            "/v1/comments/{id}": {"get": _op("One comment, without e-mail", "site|moderator")},
            "/v1/threads/{thread}/comments": {"get": _op("Approved comments of a thread", "site")},
            "/v1/moderation/queue": {"get": _op("Review queue", "moderator")},
            "/v1/comments/{id}/decision": {
                "post": _op("Decide one comment", "moderator", ref + "Decision")
            },
            "/v1/moderation/decisions": {
                "post": _op("Decide many comments", "moderator", ref + "BulkDecision")
            },
            "/v1/sites/{site}/settings": {
                "get": _op("A site's policy settings", "operator"),
                "put": _op("Change a site's policy settings", "operator", ref + "SiteSettings"),
            },
            "/v1/sites/{site}/webhook-test": {
                "post": _op("Send the site's webhook URL a signed ping", "operator")
            },
            "/v1/models": {"get": _op("Model registry", "operator")},
            "/v1/models/{version}/activate": {"post": _op("Activate a model", "operator")},
            "/v1/models/retrain": {"post": _op("Start a background retrain", "operator", ok="202")},
            "/v1/jobs/{id}": {"get": _op("A background job's state", "operator")},
            "/v1/authors/erase": {
                "post": _op(
                    "Erase every comment posted with an e-mail address",
                    "operator",
                    ref + "AuthorQuery",
                )
            },
            "/v1/authors/export": {
                "post": _op(
                    "Every comment posted with an e-mail address (right of access)",
                    "operator",
                    ref + "AuthorQuery",
                )
            },
            "/healthz": {"get": _op("Liveness", None)},
            "/readyz": {"get": _op("Readiness (Redis reachable)", None)},
            "/metrics": {"get": _op("Prometheus metrics", None)},
        },
    }
