"""Hidden e-mails and anonymised IPs: the privacy helpers, and the whole service.

The property-based tests post comments whose e-mail field, author, content and
URL carry a generated address (hypothesis's ``emails()`` and obfuscated forms of
our own) and look for it everywhere it must not be: every Redis key and value
of every type, every response body, every log line.
"""

import logging
import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import domains

from service import privacy
from service.schemas import validate_email_address
from tests.conftest import bearer, comment
from tests.redis_state import stored_strings

HIDDEN = privacy.EMAIL_HIDDEN

# -- redact_emails ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scrivi a mario@example.it grazie", f"scrivi a {HIDDEN} grazie"),
        ("MARIO.ROSSI@EXAMPLE.IT", HIDDEN),
        ("mario+news@mail.example.co.uk.", f"{HIDDEN}."),
        ("o'brien@example.ie, anche", f"{HIDDEN}, anche"),
        ("(mario@example.it)", f"({HIDDEN})"),
        ("<mario@example.it>", f"<{HIDDEN}>"),
        ("a@b.it e c@d.org", f"{HIDDEN} e {HIDDEN}"),
        ("mario [at] example [dot] it", HIDDEN),
        ("mario[at]example[dot]it", HIDDEN),
        ("mario [AT] example [DOT] it", HIDDEN),
        ("mario(at)example.it", HIDDEN),
        ("mario (at) example (dot) it", HIDDEN),
        ("mario {at} example {dot} it", HIDDEN),
        ("mario <at> example <dot> it", HIDDEN),
        ("mario [chiocciola] example [punto] it", HIDDEN),
        ("mario @ example . it", HIDDEN),
        ("mario＠example.it", HIDDEN),
        ("mario ＠ example.it", HIDDEN),
        ("mario at example dot it", HIDDEN),
        ("mario chiocciola example punto it", HIDDEN),
        ("mario at mail dot example dot it", HIDDEN),
        ("mailto:mario@example.it", f"mailto:{HIDDEN}"),
        ("https://example.org/u/mario@example.it", f"https:{HIDDEN}"),
        ("vedi https://example.org/?to=mario@example.it ok", f"vedi https:{HIDDEN} ok"),
        ("scrivimi...mario@example.it", HIDDEN),
        ("...mario@example.it", HIDDEN),
        ("mario@esempio.xn--p1ai", HIDDEN),
        ("mario@esempio.XN--P1AI!", f"{HIDDEN}!"),
        ("märio@exämple.de", HIDDEN),
        ("user@123.example.com", HIDDEN),
    ],
)
def test_redact_emails_hides_plain_and_obfuscated_addresses(text, expected):
    assert privacy.redact_emails(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Sono a casa at the moment, passo alle 5.",
        "ciao @mario, come va?",
        "Vai su example.it oppure www.example.org/pagina",
        "Costa 5@10 euro",
        "I was at example.it yesterday",  # " at " only counts with a spelt-out dot
        "email: non la scrivo qui",
        "what about that",
    ],
)
def test_redact_emails_leaves_ordinary_text_alone(text):
    assert privacy.redact_emails(text) == text


@pytest.mark.parametrize(
    "word",
    ["!" * 9_999 + "@", "#'" * 5_000 + "@x.it", "a." * 5_000 + "@", "x at " * 2_000 + "y dot"],
)
def test_redact_emails_is_linear_on_long_words(word):
    started = time.perf_counter()
    privacy.redact_emails(word)
    assert time.perf_counter() - started < 0.2


# -- mask_email, hashes, IPs -----------------------------------------------------


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("mario@example.it", "m***o@e******.it"),
        ("mario.rossi@example.it", "m***i@e******.it"),
        ("ab@x.it", "a***@x*.it"),
        ("a@example.com", "a***@e******.com"),
        ("luigi@mail.example.co.uk", "l***i@m**************.uk"),
    ],
)
def test_mask_email(email, masked):
    assert privacy.mask_email(email) == masked


def test_email_hash_is_keyed_and_ignores_case_and_spaces():
    h = privacy.email_hash("k1", "Mario@Example.IT ")
    assert h == privacy.email_hash("k1", "mario@example.it")
    assert h != privacy.email_hash("k2", "mario@example.it")
    assert h != privacy.keyed_hash("k1", "ip", "mario@example.it")
    assert len(h) == 64 and "mario" not in h


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("192.168.1.77", "192.168.1.0"),
        ("10.0.0.255", "10.0.0.0"),
        ("2001:db8:1234:5678:9abc::1", "2001:db8:1234::"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::"),
        ("::1", "::"),
    ],
)
def test_truncate_ip_keeps_the_24_or_48_network(ip, network):
    assert privacy.truncate_ip(ip) == network


def test_ip_hash_is_keyed_and_canonical():
    assert privacy.ip_hash("k", "2001:db8::1") == privacy.ip_hash("k", "2001:0db8:0:0::1")
    assert privacy.ip_hash("k", "192.0.2.1") != privacy.ip_hash("other", "192.0.2.1")
    assert privacy.ip_hash("k", "192.0.2.1") != privacy.ip_hash("k", "192.0.2.2")


# -- property-based: the helpers -------------------------------------------------

# Addresses short enough to fit the author (245) and url (200) fields whole.
ADDRESSES = st.emails(domains=domains(max_length=100))

_LOCAL = st.from_regex(r"[a-z][a-z0-9]{2,10}(\.[a-z][a-z0-9]{1,8})?", fullmatch=True)
_DOMAIN = st.from_regex(r"[a-z][a-z0-9]{1,12}(-[a-z0-9]{1,5})?", fullmatch=True)
_TLD = st.sampled_from(["it", "com", "org", "de", "info", "co.uk", "xn--p1ai"])
_FORMS = [
    "{l} [at] {d} [dot] {t}",
    "{l}[at]{d}[dot]{t}",
    "{l} (at) {d} (dot) {t}",
    "{l}(at){d}.{t}",
    "{l} {{at}} {d} {{dot}} {t}",
    "{l} <at> {d} <dot> {t}",
    "{l} [AT] {d} [DOT] {t}",
    "{l}＠{d}.{t}",
    "{l} @ {d}.{t}",
    "{l} at {d} dot {t}",
    "{l} chiocciola {d} punto {t}",
]


@st.composite
def obfuscated(draw):
    """(the address, a disguised spelling of it)."""
    local, domain, tld = draw(_LOCAL), draw(_DOMAIN), draw(_TLD)
    form = draw(st.sampled_from(_FORMS))
    spelt_tld = tld
    for word in (" dot ", " punto "):
        if word in form:  # a fully spelt-out address spells every dot
            spelt_tld = tld.replace(".", word)
    return f"{local}@{domain}.{tld}", form.format(l=local, d=domain, t=spelt_tld)


@settings(max_examples=100, deadline=None)
@given(ADDRESSES, st.sampled_from(["{}", "Scrivi a {} grazie", "<{}>", "({}).", "x:{}!"]))
def test_redact_emails_hides_every_generated_address(address, template):
    validate_email_address(address)  # the addresses the API accepts
    redacted = privacy.redact_emails(template.format(address))
    assert address.lower() not in redacted.lower()
    assert HIDDEN in redacted


@settings(max_examples=100, deadline=None)
@given(obfuscated())
def test_redact_emails_hides_every_obfuscated_address(pair):
    address, disguised = pair
    redacted = privacy.redact_emails(f"Contattami: {disguised} se vuoi")
    assert disguised not in redacted
    assert address not in redacted
    assert redacted == f"Contattami: {HIDDEN} se vuoi"


@settings(max_examples=100, deadline=None)
@given(ADDRESSES)
def test_mask_email_never_reveals_the_address(address):
    masked = privacy.mask_email(address)
    assert address.lower() not in masked.lower()
    assert masked[0] == address[0]
    assert masked.endswith(address.rpartition(".")[2])


# -- property-based: through the API, Redis and the logs -------------------------


def _leaks(address: str, texts) -> list[str]:
    needle = address.casefold()
    return [text for text in texts if needle in text.casefold()]


def _post_everywhere(client, site, moderator, address: str, text_form: str, form: bool):
    """Submit a comment carrying the address; return every response body seen."""
    body = comment(
        thread=f"t-{uuid.uuid4().hex}",
        email=address,
        author=f"Lettore {text_form}",
        content=f"Scrivetemi a {text_form} oppure a {text_form.upper()}, grazie!",
        url=f"https://example.org/?a={address}",
        referrer=f"https://example.org/from/{address}",
    )
    send = {"data": body} if form else {"json": body}
    headers = bearer(site)
    accepted = client.post("/v1/comments", headers=headers, **send)
    assert accepted.status_code == 202, accepted.get_data(as_text=True)
    location = accepted.headers["Location"]
    bodies = [accepted.get_data(as_text=True)]
    for token in (site, moderator):
        shown = client.get(location, headers=bearer(token))
        assert shown.status_code == 200
        bodies.append(shown.get_data(as_text=True))
    duplicate = client.post("/v1/comments", headers=headers, **send)
    assert duplicate.status_code == 409
    bodies.append(duplicate.get_data(as_text=True))
    invalid = client.post("/v1/comments", headers=headers, json={**body, "url": f"ftp://{address}"})
    assert invalid.status_code == 422
    bodies.append(invalid.get_data(as_text=True))
    bad_email = client.post("/v1/comments", headers=headers, json={**body, "email": f'"{address}"'})
    assert bad_email.status_code == 422
    bodies.append(bad_email.get_data(as_text=True))
    return bodies


def _log_lines(caplog) -> list[str]:
    lines = [caplog.text]
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_text:
            lines.append(record.exc_text)
    return lines


def _capture_everything(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("service", "werkzeug", "flask", "redis"):
        caplog.set_level(logging.DEBUG, logger=name)


# The fixtures (app, client, site token) are shared by all examples on purpose:
# each example uses a thread of its own and looks only for its own address, so
# what earlier examples stored cannot hide or fake a leak.
SHARED_FIXTURES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@SHARED_FIXTURES
@given(address=ADDRESSES, form=st.booleans())
def test_no_generated_address_is_stored_returned_or_logged(
    client, site, moderator, redis_url, caplog, address, form
):
    _capture_everything(caplog)
    bodies = _post_everywhere(client, site, moderator, address, address, form)
    assert not _leaks(address, bodies)
    assert not _leaks(address, stored_strings(redis_url))
    assert not _leaks(address, _log_lines(caplog))


@SHARED_FIXTURES
@given(pair=obfuscated(), form=st.booleans())
def test_no_obfuscated_address_is_stored_returned_or_logged(
    client, site, moderator, redis_url, caplog, pair, form
):
    _capture_everything(caplog)
    address, disguised = pair
    bodies = _post_everywhere(client, site, moderator, address, disguised, form)
    stored = stored_strings(redis_url)
    for needle in (address, disguised):
        assert not _leaks(needle, bodies)
        assert not _leaks(needle, stored)
        assert not _leaks(needle, _log_lines(caplog))


def test_ipv4_mapped_ipv6_is_the_same_reader():
    from service.privacy import ip_hash, truncate_ip

    assert truncate_ip("::ffff:192.0.2.77") == "192.0.2.0"
    assert ip_hash("k", "::ffff:192.0.2.77") == ip_hash("k", "192.0.2.77")
