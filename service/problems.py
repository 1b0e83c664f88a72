"""One error envelope for the whole API: RFC 9457 ``application/problem+json``."""

import logging

import redis
from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """An error the client can act on; carried to the one error handler."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str = "", *, status=None, title=None, headers=None, **extra):
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        self.headers = headers or {}
        self.extra = extra


class Malformed(Problem):
    status, title = 400, "Malformed request body"


class Unauthorized(Problem):
    status, title = 401, "Authentication required"


class Forbidden(Problem):
    status, title = 403, "Forbidden"


class NotFound(Problem):
    status, title = 404, "Not found"


class Conflict(Problem):
    status, title = 409, "Conflict"


class TooLarge(Problem):
    status, title = 413, "Request body too large"


class UnsupportedType(Problem):
    status, title = 415, "Unsupported content type"


class Invalid(Problem):
    """422 with marshmallow's field map under ``errors``."""

    status, title = 422, "Invalid fields"

    def __init__(self, errors: dict, detail: str = "One or more fields are invalid."):
        super().__init__(detail, errors=errors)


class Unprocessable(Problem):
    status, title = 422, "Unprocessable request"


class TooFast(Problem):
    status, title = 429, "Too many comments"


class Unavailable(Problem):
    status, title = 503, "Service unavailable"


def problem_response(status: int, title: str, detail: str = "", headers=None, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def handle_problem(error: Problem):
        return problem_response(
            error.status, error.title, error.detail, error.headers, **error.extra
        )

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        if error.code == 413:
            detail = f"The body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes."
        else:
            detail = error.description or ""
        response = problem_response(error.code or 500, error.name, detail)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(redis.ConnectionError)
    @app.errorhandler(redis.TimeoutError)
    def handle_redis_down(error):
        log.warning("Redis unavailable during %s %s: %s", request.method, request.path, error)
        return problem_response(
            503,
            "Service unavailable",
            "The datastore is unreachable; nothing was stored. Retry later.",
            {"Retry-After": "5"},
        )

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        # The one place a bug surfaces: log it (never the body, it may hold an
        # e-mail) and answer in the envelope.
        log.exception("unhandled error in %s %s", request.method, request.path)
        return problem_response(500, "Internal error", "An unexpected error occurred.")
