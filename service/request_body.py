"""Reading a request body into a dict: JSON or form-encoded, strictly."""

import json
from urllib.parse import parse_qsl

from flask import Request

from service.problems import Malformed, TooLarge, UnsupportedType

FORM_TYPES = ("application/x-www-form-urlencoded",)


def parse(request: Request) -> tuple[dict, bytes]:
    """Return the body as a dict and its raw bytes; raise a Problem otherwise.

    The size limit applies to a declared Content-Length and to a chunked body
    alike (413).
    """
    mimetype = request.mimetype
    is_json = mimetype == "application/json" or mimetype.endswith("+json")
    if not is_json and mimetype not in FORM_TYPES and mimetype != "multipart/form-data":
        raise UnsupportedType("Send application/json or application/x-www-form-urlencoded.")
    raw = _read(request)
    if mimetype == "multipart/form-data":
        # Parsed from the bytes read above, so ``raw`` (the Idempotency-Key
        # fingerprint) is the real body, not what is left after parsing.
        return request.form.to_dict(), raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Malformed(f"The body is not valid UTF-8 (byte {error.start}).") from None
    if is_json:
        return _json_object(text), raw
    return _form(text), raw


def _read(request: Request) -> bytes:
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    # werkzeug stops reading a body without Content-Length (chunked) at the limit
    # without a word; one more byte means it was too large, not that it ended.
    unbounded = request.content_length is None and limit is not None
    if unbounded and len(raw) >= limit and request.environ["wsgi.input"].read(1):
        raise TooLarge(f"The body is larger than {limit} bytes.")
    return raw


def _json_object(text: str) -> dict:
    if not text.strip():
        raise Malformed("The body is empty; send a JSON object.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Malformed(
            f"The body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise Malformed("The JSON body is nested too deeply.") from None
    if not isinstance(data, dict):
        raise Malformed("The body must be a JSON object.")
    # Valid UTF-8 can still escape a lone surrogate ("\\ud800"), which no
    # UTF-8 text may hold: it is an encoding error, not a field error.
    if "\\u" in text and _has_lone_surrogate(data):
        raise Malformed("The JSON body escapes an invalid Unicode character (a lone surrogate).")
    return data


def _has_lone_surrogate(data) -> bool:
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _form(text: str) -> dict:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Malformed("A form field is not valid percent-encoded UTF-8.") from None
    except ValueError:
        raise Malformed("The form body is malformed.") from None
    data: dict = {}
    for name, value in pairs:
        data.setdefault(name, value)  # a repeated field: the first one counts
    return data
