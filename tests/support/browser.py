"""Browser fixtures for every test area: the app served by uvicorn, a page in Chromium.

Chromium is Debian's /usr/bin/chromium (never a downloaded browser), driven by
Playwright's sync API; the app runs in uvicorn on a free local port in a background
thread. Registered as a plugin in tests/conftest.py, so its fixtures need no import.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright

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
STARTUP_SECONDS = 15.0


def _bound_socket() -> socket.socket:
    """A socket already bound to a free 127.0.0.1 port, so no other process can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app over `settings` served by uvicorn in a background thread; yields its URL."""
    sock = _bound_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def live_server(seeded_settings: Settings) -> Iterator[str]:
    """The seeded workbench served on a free local port; yields its base URL."""
    with serve(seeded_settings) as url:
        yield url


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


def sign_in_page(page: Page, base_url: str, username: str) -> None:
    """Sign in through the login form as `username` and land on the home page."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/")


def note_console_error(message: ConsoleMessage, problems: list[str]) -> None:
    """Keep the console's errors (Content-Security-Policy violations and failed loads)."""
    if message.type == "error":
        problems.append(message.text)
