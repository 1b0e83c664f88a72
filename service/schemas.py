"""Marshmallow schemas for every input of the API."""

import ipaddress
import re

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from service import limits, textclean

_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"
_LOCAL_RE = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*\Z")
_LABEL_RE = re.compile(r"(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?\Z")
_TLD_RE = re.compile(r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})\Z", re.IGNORECASE)


def validate_email_address(value: str) -> None:
    """A deliverable-looking address; no quoted local parts, no IP literals.

    Messages never repeat the address: errors are logged and returned.
    """
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError("Not a valid e-mail address: it needs a name, '@' and a domain.")
    if '"' in local or "\\" in local:
        raise ValidationError("Quoted local parts are not accepted.")
    if len(local) > limits.EMAIL_LOCAL_MAX or not _LOCAL_RE.match(local):
        raise ValidationError("Not a valid e-mail address: the part before '@' is not valid.")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels[:-1]):
        raise ValidationError("Not a valid e-mail address: the domain is not valid.")
    if not _TLD_RE.match(labels[-1]):
        raise ValidationError("Not a valid e-mail address: the domain is not valid.")


def validate_ip(value: str) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValidationError("Not a valid IPv4 or IPv6 address.") from None


def validate_http_url(value: str) -> None:
    validate.URL(
        schemes={"http", "https"},
        require_tld=False,
        error="Only http and https URLs with a host are accepted.",
    )(value)


def _text(max_length: int, *, required: bool = False, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1, max=max_length),
        **kwargs,
    )


class CleanStrings(Schema):
    """Cleans every string before validation: NFC, no control characters."""

    MULTILINE: frozenset[str] = frozenset()

    class Meta:
        unknown = EXCLUDE  # sites post whole forms, with fields of their own

    @pre_load
    def _clean(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        cleaned = {}
        for name, value in data.items():
            if isinstance(value, str):
                value = textclean.clean(value, multiline=name in self.MULTILINE)
            if value in ("", None) and not self.fields.get(name, fields.Raw()).required:
                continue  # an empty optional form field, or JSON null, means "not given"
            cleaned[name] = value
        return cleaned


class CommentSubmission(CleanStrings):
    """What a site posts to ``POST /v1/comments``."""

    MULTILINE = frozenset({"content"})

    thread = _text(limits.THREAD_MAX, required=True)
    parent = fields.String(validate=validate.Length(min=1, max=64))
    author = _text(limits.AUTHOR_MAX, required=True)
    email = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=limits.EMAIL_MAX), validate_email_address],
    )
    url = fields.String(validate=[validate.Length(max=limits.URL_MAX), validate_http_url])
    content = _text(limits.CONTENT_MAX_DEFAULT, required=True)
    user_ip = fields.String(validate=validate_ip)
    user_agent = _text(limits.USER_AGENT_MAX)
    referrer = _text(limits.REFERRER_MAX)
    permalink = _text(limits.PERMALINK_MAX)
    lang = fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"))
    honeypot = fields.String(validate=validate.Length(max=1_000))

    def __init__(self, *, content_max: int = limits.CONTENT_MAX_DEFAULT, **kwargs):
        super().__init__(**kwargs)
        if content_max != limits.CONTENT_MAX_DEFAULT:
            self.fields["content"].validators = [validate.Length(min=1, max=content_max)]


class Decision(CleanStrings):
    """A moderator's decision on one comment."""

    MULTILINE = frozenset({"note"})

    action = fields.String(required=True, validate=validate.OneOf(["approve", "spam", "reject"]))
    note = fields.String(validate=validate.Length(max=limits.NOTE_MAX))


class QueueQuery(Schema):
    """Filters and paging of ``GET /v1/moderation/queue``."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default="held", validate=validate.OneOf(["held", "spam", "approved", "rejected"])
    )
    site = fields.String(validate=validate.Length(min=1, max=63))
    thread = fields.String(validate=validate.Length(min=1, max=limits.THREAD_MAX))
    author_of = fields.String(validate=validate.Length(min=1, max=64))  # a comment id
    sort = fields.String(
        load_default="oldest", validate=validate.OneOf(["oldest", "newest", "score"])
    )
    cursor = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(
        load_default=limits.PAGE_SIZE_DEFAULT,
        validate=validate.Range(1, limits.PAGE_SIZE_MAX),
    )


class BulkDecision(Decision):
    ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=limits.PAGE_SIZE_MAX),
    )


class AuthorQuery(CleanStrings):
    """What an operator posts to ``POST /v1/authors/erase`` and ``/export``
    (in the body: an address in a URL would end up in access logs)."""

    class Meta:
        unknown = RAISE  # an operator's typo must not erase on another site

    email = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=limits.EMAIL_MAX), validate_email_address],
    )
    site = fields.String(validate=validate.Length(min=1, max=63))  # all sites when absent
    scan = fields.Boolean(load_default=False)


class RetrainOptions(Schema):
    """The optional body of ``POST /v1/models/retrain``."""

    class Meta:
        unknown = RAISE

    activate = fields.Boolean(load_default=False)  # "false" means false, not a truthy string
    force = fields.Boolean(load_default=False)


class ThreadQuery(Schema):
    """Paging of ``GET /v1/threads/<thread>/comments``."""

    class Meta:
        unknown = EXCLUDE  # a site's cache-busting parameters

    cursor = fields.String(  # the last id shown: it ends up in the ETag header
        validate=validate.Regexp(r"^[0-9a-zA-Z]{1,64}$", error="Not a cursor this API gave out.")
    )
    limit = fields.Integer(
        load_default=limits.PAGE_SIZE_DEFAULT,
        validate=validate.Range(1, limits.PAGE_SIZE_MAX),
    )
