"""The workbench in a real Chromium: sign in, search a donor, read the entity's provenance.

Chromium is Debian's /usr/bin/chromium, driven by Playwright's sync API; the app runs in
uvicorn on a free local port in a background thread.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Page, Request, expect, sync_playwright

from ctip.api.app import create_app
from ctip.config import Settings
from tests.conftest import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path("/tmp/ctip-entity.png")
STARTUP_SECONDS = 15.0
FIRST_SEEN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")


def _bound_socket() -> socket.socket:
    """A socket already bound to a free 127.0.0.1 port, so no other process can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def live_server(seeded_settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in a background thread; yields its base URL."""
    sock = _bound_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(seeded_settings), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def page() -> Iterator[Page]:
    """A fresh page in the system Chromium (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/")


@pytest.mark.browser
def test_search_a_donor_and_read_where_each_fact_came_from(live_server: str, page: Page) -> None:
    requests: list[Request] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request))
    page.on("console", lambda m: _note_console_error(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))

    _sign_in(page, live_server, "investigator")
    expect(page.get_by_role("heading", name="Welcome, investigator")).to_be_visible()
    expect(page.get_by_text("Investigator").first).to_be_visible()
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Entities").click()

    page.get_by_label("Name", exact=True).press_sequentially("Lina Dachner", delay=30)
    result = page.locator("#results").get_by_role("link", name="Frau Lina Dachner")
    expect(result).to_be_visible()
    expect(page).to_have_url(re.compile(r"/entities\?q=Lina(\+|%20)Dachner"))  # hx-replace-url
    assert any(r.headers.get("hx-request") == "true" for r in requests), "htmx did not search"
    result.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Frau Lina Dachner")
    provenance = page.locator("table.provenance")
    expect(provenance.locator(".source-name", has_text="donations").first).to_be_visible()
    first_seen = provenance.locator("td.date time").first
    expect(first_seen).to_have_text(FIRST_SEEN)
    links = page.locator("table.links")
    expect(links.get_by_role("link", name="MLPD")).to_be_visible()
    expect(links.get_by_role("link", name="Schillerstraße 19, 76135 Karlsruhe")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    foreign = [r.url for r in requests if not r.url.startswith(live_server)]
    assert not foreign, f"fetched from elsewhere: {foreign}"
    assert not problems, problems


@pytest.mark.browser
def test_search_works_without_javascript(live_server: str, page: Page) -> None:
    page.context.route("**/static/htmx.min.js", lambda route: route.abort())
    _sign_in(page, live_server, "investigator")
    page.goto(f"{live_server}/entities")
    page.get_by_label("Identifier").fill("nothing-like-this")
    page.get_by_label("Name", exact=True).fill("MLPD")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/entities\?q=MLPD&identifier=nothing-like-this"))
    expect(page.locator("#results").get_by_role("link", name="MLPD")).to_be_visible()
    expect(page.get_by_text("No entity matches the identifier")).to_be_visible()


@pytest.mark.browser
def test_sign_out_from_the_header(live_server: str, page: Page) -> None:
    _sign_in(page, live_server, "supervisor")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Audit log").click()
    expect(page.get_by_text("Chain intact.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(f"{live_server}/audit")
    expect(page).to_have_url(f"{live_server}/login")


def _note_console_error(message: ConsoleMessage, problems: list[str]) -> None:
    """Console errors include Content-Security-Policy violations and failed loads."""
    if message.type == "error":
        problems.append(message.text)
