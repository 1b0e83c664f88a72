"""The moderation page's forms, as marshmallow schemas.

They come from our own page, so they are strict: anything else is refused.
(The page's query string is read leniently: `queue_page.PageQuery`.)
"""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from service import moderation
from service.limits import NOTE_MAX
from service.web.queue_page import PAGE_SIZE_MAX, PageQuery


class DecisionForm(PageQuery):
    """A card's button (`decide` = "action:id") or the bulk bar (`action` +
    `ids`), with the page's query to return to."""

    csrf = fields.String(required=True)
    decide = fields.String(validate=validate.Length(max=100))
    action = fields.String(validate=validate.OneOf(list(moderation.ACTIONS)))
    ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        validate=validate.Length(max=PAGE_SIZE_MAX),
    )
    note = fields.String(validate=validate.Length(max=NOTE_MAX))


class LoginForm(Schema):
    class Meta:
        unknown = EXCLUDE

    csrf = fields.String(required=True)
    token = fields.String(required=True, validate=validate.Length(min=1, max=256))


def load(schema: Schema, form) -> dict | None:
    """`schema.load` of a posted form (lists from repeated fields), or None."""
    data = {}
    for name, field in schema.fields.items():
        if isinstance(field, fields.List):
            data[name] = form.getlist(name)
        elif form.get(name) not in (None, ""):
            data[name] = form.get(name)
    try:
        return schema.load(data)
    except ValidationError:
        return None
