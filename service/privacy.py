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


# What each pattern cannot match without (its separator): searching for these
# first is several times cheaper than running the whole pattern over a comment
# that merely contains "at" in some word, which is nearly every comment.
_HAS_AT_SEPARATOR = re.compile(r"[@＠]|[\[\(\{<]\s*(?:at|chiocciola)\s*[\]\)\}>]", re.IGNORECASE)
_HAS_SPELT_AT = re.compile(r"\s(?:at|chiocciola)\s", re.IGNORECASE)


def redact_emails(text: str) -> str:
    """Replace every e-mail address in ``text`` by ``[email hidden]``."""
    if not text:
        return text
    if "@" in text or "＠" in text or _looks_obfuscated(text):
        if _HAS_AT_SEPARATOR.search(text):
            text = _EMAIL_RE.sub(EMAIL_HIDDEN, text)
        if _HAS_SPELT_AT.search(text):
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


def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(ip)
    # ::ffff:1.2.3.4 is 1.2.3.4: one reader, one hash, one flood window.
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def truncate_ip(ip: str) -> str:
    """Keep the network only: /24 for IPv4, /48 for IPv6."""
    return _network(_address(ip))


def ip_hash(secret: str, ip: str) -> str:
    return keyed_hash(secret, "ip", str(_address(ip)))


def anonymise_ip(secret: str, ip: str) -> tuple[str, str]:
    """``(truncate_ip(ip), ip_hash(secret, ip))``, parsing the address once."""
    address = _address(ip)
    return _network(address), keyed_hash(secret, "ip", str(address))


_V4_NETWORK_MASK = (1 << 32) - (1 << 8)  # /24
_V6_NETWORK_MASK = (1 << 128) - (1 << 80)  # /48


def _network(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    # Masking the integer is what ip_network(strict=False) does, minus a second
    # parse of the address text (the slow part of ipaddress).
    if address.version == 4:
        return str(ipaddress.IPv4Address(int(address) & _V4_NETWORK_MASK))
    if address.scope_id:  # keep the zone ("%eth0") as ip_network does
        return str(ipaddress.ip_network(f"{address}/48", strict=False).network_address)
    return str(ipaddress.IPv6Address(int(address) & _V6_NETWORK_MASK))
