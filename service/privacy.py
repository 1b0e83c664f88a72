"""Hidden e-mails and anonymised IPs (design.md, "Hidden e-mails").

The author's address is kept only as a keyed hash (author history, trust,
blocking, erasure) and a masked form for moderators. Addresses inside free
text, obfuscated ones included, become ``[email hidden]`` before storage.
"""

import hashlib
import hmac
import ipaddress
import re

EMAIL_HIDDEN = "[email hidden]"

# RFC 5322 atext and dots, plus any non-ASCII letter (internationalised
# addresses). Dots go anywhere, so "scrivimi...mario@example.it" is hidden with
# the word glued to it rather than left whole. A match starts only where a run
# of these characters starts: trying every position inside a long run made the
# scan quadratic (a 10,000-character word of "!" and one "@" took seconds).
_LOCAL_CHAR = r"[\w!#$%&'*+/=?^`{|}~.-]"
_LOCAL = rf"(?<!{_LOCAL_CHAR}){_LOCAL_CHAR}+"
# Separators a person uses to dodge scrapers: @, ＠, [at], (at), {at}, <at>,
# " at " only when the dot is also spelt out (plain "at" is an English word).
_AT_STRICT = r"\s*(?:@|＠|[\[\(\{<]\s*(?:at|chiocciola)\s*[\]\)\}>])\s*"
_DOT_STRICT = r"\s*(?:\.|[\[\(\{<]\s*(?:dot|punto|punkt|point)\s*[\]\)\}>])\s*"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
# A letters-only TLD, or an internationalised one in its ASCII form (xn--p1ai).
_TLD = r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
_EMAIL_RE = re.compile(
    rf"{_LOCAL}{_AT_STRICT}{_LABEL}(?:{_DOT_STRICT}{_LABEL})*{_DOT_STRICT}{_TLD}(?![\w-])",
    re.IGNORECASE,
)
_SPELT_RE = re.compile(
    rf"{_LOCAL}\s+(?:at|chiocciola)\s+{_LABEL}(?:\s+(?:dot|punto)\s+{_LABEL})+(?![\w-])",
    re.IGNORECASE,
)


def redact_emails(text: str) -> str:
    """Replace every e-mail address in ``text`` by ``[email hidden]``."""
    if not text:
        return text
    if "@" in text or "＠" in text or _looks_obfuscated(text):
        text = _EMAIL_RE.sub(EMAIL_HIDDEN, text)
        text = _SPELT_RE.sub(EMAIL_HIDDEN, text)
    return text


def _looks_obfuscated(text: str) -> bool:
    lowered = text.lower()
    return "at" in lowered or "chiocciola" in lowered


def keyed_hash(secret: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value``; ``purpose`` separates the e-mail and IP spaces."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def email_hash(secret: str, email: str) -> str:
    return keyed_hash(secret, "email", normalise_email(email))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def mask_email(email: str) -> str:
    """``mario@example.it`` -> ``m***o@e******.it``: enough to recognise, not to mail."""
    local, _, domain = email.strip().rpartition("@")
    name, dot, tld = domain.rpartition(".")
    if not dot:
        name, tld = domain, ""
    masked_local = local[0] + "***" + (local[-1] if len(local) > 2 else "")
    masked_name = name[:1] + "*" * max(len(name) - 1, 1)
    return f"{masked_local}@{masked_name}{'.' + tld if tld else ''}"


def truncate_ip(ip: str) -> str:
    """Keep the network only: /24 for IPv4, /48 for IPv6."""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def ip_hash(secret: str, ip: str) -> str:
    return keyed_hash(secret, "ip", str(ipaddress.ip_address(ip)))
