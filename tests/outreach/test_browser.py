"""The outreach workbench in Debian's Chromium: from the home tile to a recorded presentation,
on a phone-sized screen too."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import note_console_error, sign_in_page

SCREENSHOT = Path("/tmp/ctip-outreach.png")


@pytest.mark.browser
def test_outreach_staff_record_a_presentation(live_server: str, page: Page) -> None:
    problems: list[str] = []
    page.on("console", lambda message: note_console_error(message, problems))
    sign_in_page(page, live_server, "outreach")
    page.get_by_role("link", name="trainings and presentations in the next 30 days").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trainings and presentations: the calendar"
    )
    form = page.locator("#activity-form")
    form.get_by_label("Title").fill("Human trafficking indicators for hotel staff")
    form.get_by_label("Audience").fill("hospitality staff")
    form.get_by_label("Date").fill("2021-06-15")
    form.get_by_label("Place").fill("Orlando, FL")
    form.get_by_label("Attendees").fill("85")
    form.get_by_role("button", name="Record").click()
    table = page.locator("#activities-table")
    expect(table).to_contain_text("Human trafficking indicators for hotel staff")
    expect(table).to_contain_text("Blue Campaign")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/outreach/partners")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert problems == []
