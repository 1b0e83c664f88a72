"""Flask's signed-cookie session, minus its cost on requests that carry no cookie.

The API's callers (site backends, scripts) send no cookies, yet Flask opens a
session for every request: with a secret key set, that builds a signing
serializer and parses the (absent) Cookie header each time. Without a Cookie
header the answer is always a new empty session, so give it directly.
"""

from flask.sessions import SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if app.secret_key and not request.environ.get("HTTP_COOKIE"):
            return self.session_class()
        return super().open_session(app, request)
