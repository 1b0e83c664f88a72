"""The moderators' web page (``GET /moderate``): a blueprint, server-rendered with Jinja."""

from service.web.views import bp

__all__ = ["bp"]
