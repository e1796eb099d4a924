"""The screening form on a phone in a real Chromium: nothing overflows at 390 px, the draft
survives a reload, a send without a connection waits and goes when it returns."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.support.browser import note_console_error, sign_in_page

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
KEPT = "Object.keys(localStorage).filter(k => k.startsWith('ctip.intake.screening')).length"


def test_the_screening_form_works_on_a_phone_and_keeps_its_draft(
    live_server: str, page: Page
) -> None:
    problems: list[str] = []
    page.on("console", lambda message: note_console_error(message, problems))
    sign_in_page(page, live_server, "frontline-officer")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/intake/screenings/new")
    assert page.evaluate(FITS)
    page.get_by_label("Place of the encounter").fill("Terminal E, gate 12")
    page.get_by_label("Day of the encounter").fill("2026-01-05")
    page.locator('input[name="q:blue.coached"][value="yes"]').check()
    page.locator('input[name="q:blue.documents_money"][value="yes"]').check()
    page.get_by_label("Notes").fill("Travelling with an older man who held her passport.")
    page.reload()
    expect(page.get_by_label("Place of the encounter")).to_have_value("Terminal E, gate 12")
    expect(page.locator('input[name="q:blue.coached"][value="yes"]')).to_be_checked()
    expect(page.locator("#draft-status")).to_contain_text("restored")
    page.context.set_offline(True)
    page.get_by_role("button", name="Send the screening").click()
    expect(page.locator("#draft-status")).to_contain_text("No connection")
    assert "/new" in page.url and page.evaluate(KEPT) == 1
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(r"/intake/screenings/SCR-20260105-"))
    expect(page.locator("#outcome")).to_contain_text("Refer")
    assert page.evaluate(FITS)
    page.wait_for_function(f"{KEPT} === 0")
    page.goto(f"{live_server}/intake/screenings/new")
    expect(page.get_by_label("Place of the encounter")).to_have_value("")
    assert problems == []


def test_the_public_tip_form_fits_a_phone(live_server: str, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/tip")
    expect(page.get_by_role("heading", name="Report suspected human trafficking")).to_be_visible()
    assert page.evaluate(FITS)
    expect(page.locator("#website")).not_to_be_in_viewport()
