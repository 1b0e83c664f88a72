"""The review queue in a real browser: `vaglio serve` plus Debian's headless Chromium.

Playwright drives /usr/bin/chromium (never a downloaded browser). The screenshot
of the queue is kept as a test artifact in test-artifacts/moderation-queue.png.
"""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from service import registry
from tests.conftest import bearer, post
from tests.models import install
from tests.processes import vaglio_env, wait_for
from tests.test_moderate_page import XSS_AUTHOR, XSS_CONTENT, held, verdict

CHROMIUM = Path(os.environ.get("VAGLIO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

pytestmark = pytest.mark.slow


def reasons(score: float, *extra: tuple[str, str]) -> list[dict]:
    return [
        {"code": "SPAM_SCORE", "detail": f"score {score:.2f}"},
        *({"code": code, "detail": detail} for code, detail in extra),
    ]


# (author, content, score, reasons) of the held comments the browser sees
COMMENTS = [
    (
        "Giulia Bianchi",
        "Ottimo articolo. La batteria del modello precedente però durava di più.",
        0.34,
        [("FIRST_COMMENT", "first comment of this author on this site")],
    ),
    (
        "Luca",
        "Fonti: https://it.wikipedia.org/wiki/Batteria, https://www.example.org/report.pdf "
        "e https://docs.example.net/specs",
        0.41,
        [("LINKS", "3 links (more than 2)")],
    ),
    (XSS_AUTHOR, XSS_CONTENT, 0.52, []),
    (
        "Marco V.",
        "Gioca al casinò online con bonus di benvenuto!\nScrivimi per info.",
        0.68,
        [("MODERATION_KEYWORD", '"casino"')],
    ),
    ("Anna", "Qualcuno sa se l'aggiornamento arriva anche sui modelli del 2024?", 0.81, []),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def api_status(base: str, token: str, comment_id: str) -> str:
    response = requests.get(f"{base}/v1/comments/{comment_id}", headers=bearer(token), timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["status"]


@pytest.fixture
def server(r, config_overrides, tmp_path):
    """`vaglio serve --no-worker` on a free port, on the tests' Redis."""
    if not registry.active_version(r):
        install(r)  # the session's starter model: `serve` need not train one at start-up
    port = free_port()
    script = Path(sys.executable).with_name("vaglio")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]
    args = ["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    log = open(tmp_path / "serve.log", "ab")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        command + args, env=vaglio_env(config_overrides), stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: healthy(base) or process.poll() is not None, 60, what="vaglio serve")
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def chromium():
    """Debian's Chromium under Playwright; None when it is missing (the test then fails)."""
    if not CHROMIUM.exists():
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def need(browser):
    if browser is None:
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium` "
            "(Debian's package; these tests never download a browser)."
        )
    return browser


def sign_in(page, base: str, token: str) -> None:
    page.goto(base + "/moderate")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/moderate")


def test_moderate_with_the_keyboard_in_chromium(r, client, site, moderator, server, chromium):
    browser = need(chromium)
    from playwright.sync_api import expect

    ids = [
        held(r, client, site, n, author=a, content=text, score=p, reasons=reasons(p, *extra))
        for n, (a, text, p, extra) in enumerate(COMMENTS)
    ]
    spam = [
        verdict(
            r,
            post(client, site, author=author, content=text, email=f"spam{n}@example.com"),
            status="spam",
            score=0.9,
        )
        for n, (author, text) in enumerate(
            [("Best Cash Online", "Make $5000 a week http://bit.ly/cash"), ("Sara", "Grazie!")]
        )
    ]
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, server, moderator)
    expect(page.locator(".card")).to_have_count(len(ids))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "moderation-queue.png"))

    page.keyboard.press("j")
    expect(page.locator(f"#c-{ids[0]}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.locator(f"#c-{ids[0]}")).to_have_count(0)
    expect(page.locator(f"#c-{ids[1]}")).to_be_focused()  # focus moves on to the next card
    page.keyboard.press("s")
    expect(page.locator(f"#c-{ids[1]}")).to_have_count(0)
    expect(page.locator("#notice")).to_have_text("1 comment marked as spam.")
    expect(page.locator('.tab[data-tab="held"] .count')).to_have_text(str(len(ids) - 2))

    page.click('.tab[data-tab="spam"]')
    expect(page.locator(f"#c-{spam[1]}")).to_be_visible()
    page.keyboard.press("j")
    page.keyboard.press("j")  # newest first: Sara's comment, then the cash one, then ids[1]
    page.keyboard.press("k")
    expect(page.locator(f"#c-{spam[1]}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.locator(f"#c-{spam[1]}")).to_have_count(0)

    page.click('.tab[data-tab="held"]')
    expect(page.locator(".card")).to_have_count(len(ids) - 2)
    for key in "jjxjx":  # select the 4th and 5th comments
        page.keyboard.press(key)
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.click('.bulk button[value="reject"]')
    expect(page.locator(".card")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    assert not alerts and not errors

    assert api_status(server, moderator, ids[0]) == "approved"
    assert api_status(server, moderator, ids[1]) == "spam"
    assert api_status(server, moderator, spam[1]) == "approved"
    assert api_status(server, moderator, spam[0]) == "spam"
    assert api_status(server, moderator, ids[2]) == "held"  # the XSS one, never executed
    assert [api_status(server, moderator, i) for i in ids[3:]] == ["rejected", "rejected"]


def test_without_javascript_the_forms_still_work(r, client, site, moderator, server, chromium):
    browser = need(chromium)
    from playwright.sync_api import expect

    ids = [held(r, client, site, n) for n in range(3)]
    context = browser.new_context(java_script_enabled=False, locale="it-IT")
    page = context.new_page()
    sign_in(page, server, moderator)
    page.check(f"#c-{ids[0]} input.pick")
    page.check(f"#c-{ids[2]} input.pick")
    page.click('.bulk button[value="reject"]')  # a real form post: Origin null, same-origin
    expect(page.locator("#notice")).to_have_text("2 commenti rifiutati.")
    page.click(f'#c-{ids[1]} button[data-action="approve"]')
    expect(page.locator("#notice")).to_have_text("1 commento approvato.")
    expect(page.locator(".card")).to_have_count(0)
    page.click('button:has-text("Esci")')
    expect(page.locator("#token")).to_be_visible()
    context.close()
    statuses = [api_status(server, moderator, i) for i in ids]
    assert statuses == ["rejected", "approved", "rejected"]
