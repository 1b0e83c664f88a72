"""The web page's defences: response headers, same-origin and CSRF checks."""

import hmac
from urllib.parse import urlsplit

from flask import Request, Response

# No inline script or style anywhere: the page's CSS and JS are files under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    # Pages show comments and e-mails (masked): never keep them in a shared cache.
    headers["Cache-Control"] = "no-store"
    headers["Vary"] = "Cookie, Accept-Language"
    return response


def same_origin(request: Request) -> bool:
    """False for a request another site's page made (Fetch Metadata or Origin say so).

    A form posted from our own page says ``Origin: null``: browsers send that
    for any form post from a page with ``Referrer-Policy: no-referrer``. Such a
    post is judged by ``Sec-Fetch-Site``, and needs the CSRF token like any.
    The host is compared, not the scheme: behind a TLS-terminating proxy the app
    may see http while the browser's Origin says https.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None or (origin == "null" and fetch_site is not None):
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given)
