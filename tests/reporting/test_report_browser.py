"""The report page in Debian's Chromium: the home tile, the figures beside the year before,
a chart drawn per section with no script and no console error, and a working PDF link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ctip.config import Settings
from ctip.outreach import demo as outreach_demo
from ctip.store.db import Database
from ctip.trade import demo_figures
from tests.support.browser import note_console_error, serve, sign_in_page

SCREENSHOT = Path("/tmp/ctip-fy-report.png")


@pytest.fixture
def report_server(seeded_settings: Settings) -> Iterator[str]:
    """The seeded store with the demo's outreach and trade history, served."""
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        outreach_demo.seed_demo(session)
        demo_figures.seed_history(session)
    database.dispose()
    with serve(seeded_settings) as url:
        yield url


@pytest.mark.browser
def test_a_supervisor_reads_the_fy2021_report(report_server: str, page: Page) -> None:
    problems: list[str] = []
    page.on("console", lambda message: note_console_error(message, problems))
    sign_in_page(page, report_server, "supervisor")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Reports").click()
    page.goto(f"{report_server}/reports?fy=2021")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fiscal year 2021")
    row = page.locator("#figure-blue_campaign_presentations")
    expect(row).to_contain_text("68")
    expect(page.locator("#figure-cbp_shipments_detained")).to_contain_text("324")
    charts = page.locator("#section-trade svg.chart rect")
    assert charts.count() >= 8
    assert page.locator("script[src^='http']").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "ctip-fy2021-report.pdf"
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert problems == []
