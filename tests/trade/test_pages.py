"""The trade workbench: results with explanations, a line, the queue, a detention, tiers.

The browser test walks one line from flagged to decided in Debian's Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.trade import entries, service, tiers
from tests.support.browser import serve, sign_in_page
from tests.support.workbench import form_token, sign_in
from tests.trade.conftest import entry_csv, raw_row

SCREENSHOT = Path("/tmp/ctip-trade-detention.png")
LINE_URL = "/trade/lines/ABC12345671/1"
FILE = entry_csv(
    [
        raw_row(manufacturer_address="No. 9 Road, 乌鲁木齐", country_of_origin="CN"),
        raw_row(line_number="2"),
    ]
)
SUPPLIERS = (
    b"buyer,supplier,material,supplier_country,supplier_address\n"
    b"Saigon Knitwear JSC,Tianshan Mill,yarn,CN,Korla\n"
)


@pytest.fixture
def trade_settings(seeded_settings: Settings) -> Settings:
    """The seeded store with two screened lines (one made in Urumqi) and one supplier link."""
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        entries.load_entry_lines(session, FILE, "e.csv", "test-setup")
        tiers.load_suppliers(session, SUPPLIERS, "s.csv", "test-setup")
        lines = entries.all_lines(session)
        decisions = service.screen_lines(lines, service.build_screener(session))
        service.record_screenings(session, decisions, "test-setup", "local")
    database.dispose()
    return seeded_settings


@pytest.fixture
def trade_web(trade_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(trade_settings), follow_redirects=False) as client:
        yield client


def test_results_show_the_explanation_and_only_trade_roles_see_them(trade_web: TestClient) -> None:
    sign_in(trade_web, Role.OUTREACH)
    assert trade_web.get("/trade").status_code == 403
    trade_web.cookies.clear()
    sign_in(trade_web, Role.INVESTIGATOR)
    page_html = trade_web.get("/trade").text
    assert "ABC12345671/1" in page_html and "xuar_address" in page_html
    line_html = trade_web.get(LINE_URL).text
    assert "Urumqi" in line_html and "UFLPA sec. 3" in line_html
    assert "Open detention" not in line_html  # investigators read trade, they do not detain


def test_a_form_without_its_token_is_refused(trade_web: TestClient) -> None:
    sign_in(trade_web, Role.TRADE_ANALYST)
    response = trade_web.post(f"{LINE_URL}/detain", data={"reason": "XUAR", "csrf_token": "forged"})
    assert response.status_code == 403
    assert "DET-" not in trade_web.get("/trade/detentions").text


def test_the_queue_of_one_fiscal_year_and_a_year_that_is_not_one(trade_web: TestClient) -> None:
    sign_in(trade_web, Role.TRADE_ANALYST)
    token = form_token(trade_web.get(LINE_URL).text)
    trade_web.post(f"{LINE_URL}/detain", data={"reason": "XUAR", "csrf_token": token})
    year = trade_web.get("/trade/detentions").text.count("DET-")
    assert year >= 1
    assert trade_web.get("/trade/detentions?fy=2001").text.count("DET-") == 0
    for bad in ("21", "FY2021", "2021x"):
        refused = trade_web.get(f"/trade/detentions?fy={bad}")
        assert refused.status_code == 400 and "is not a fiscal year" in refused.text, bad


def test_tiers_page_names_the_nearest_xinjiang_supplier(trade_web: TestClient) -> None:
    sign_in(trade_web, Role.TRADE_ANALYST)
    html = trade_web.get("/trade/tiers", params={"entity": "Saigon Knitwear JSC"}).text
    assert "Tianshan Mill" in html and "tier 2" in html


def test_a_bad_step_reshows_the_page_with_the_reason(trade_web: TestClient) -> None:
    sign_in(trade_web, Role.TRADE_ANALYST)
    token = form_token(trade_web.get(LINE_URL).text)
    opened = trade_web.post(f"{LINE_URL}/detain", data={"reason": "XUAR", "csrf_token": token})
    assert opened.status_code == 303
    url = opened.headers["location"]
    step = {"kind": "protest_filed", "reason": "early", "csrf_token": token}
    refused = trade_web.post(f"{url}/steps", data=step)
    assert refused.status_code == 400 and "only an exclusion can be protested" in refused.text


@pytest.fixture
def trade_server(trade_settings: Settings) -> Iterator[str]:
    """The app with trade data, served by uvicorn in a background thread."""
    with serve(trade_settings) as url:
        yield url


@pytest.mark.browser
def test_a_line_from_flagged_to_decided(trade_server: str, page: Page) -> None:
    sign_in_page(page, trade_server, "trade-analyst")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Trade").click()
    page.get_by_role("link", name="ABC12345671/1").click()
    expect(page.locator("#decision")).to_contain_text("Detain")
    expect(page.locator("#line-explanation")).to_contain_text("Urumqi")
    page.get_by_label("Reason for detention").fill("Factory address in Urumqi (UFLPA presumption)")
    page.get_by_role("button", name="Open detention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Detention DET-ABC12345671-001")
    expect(page.locator("#status")).to_contain_text("detained")

    page.locator("#kind").select_option("presented")
    page.get_by_label("Note").fill("presented at the centralized examination station")
    page.get_by_role("button", name="Record step").click()
    expect(page.locator("table.clocks")).to_contain_text("Admissibility decision")

    page.locator("#outcome").select_option("excluded")
    page.get_by_label("Reason", exact=True).fill(
        "no proof that the goods were not made in the XUAR"
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#status")).to_contain_text("excluded")
    expect(page.locator("table.ledger tbody tr")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.get_by_role("link", name="Detention queue").click()
    expect(page.locator("table.queue")).to_contain_text("protest of the exclusion")


def test_screened_lines_page_sort_filter_and_export_every_filtered_line(
    trade_web: TestClient,
) -> None:
    sign_in(trade_web, Role.TRADE_ANALYST)
    first = trade_web.get("/trade", params={"per_page": "1"}).text
    assert "Showing <strong>1\u20131</strong> of <strong>2</strong>" in first
    assert "ABC12345671/1" in first and "ABC12345671/2" not in first  # riskiest first
    second = trade_web.get("/trade", params={"per_page": "1", "page": "2"}).text
    assert "ABC12345671/2" in second and "ABC12345671/1\u003c" not in second
    by_line = trade_web.get("/trade", params={"sort": "line", "dir": "desc"}).text
    assert by_line.index("ABC12345671/2") < by_line.index("ABC12345671/1")
    detained = trade_web.get("/trade", params={"decision": "detain"}).text
    assert "ABC12345671/1" in detained and "ABC12345671/2" not in detained
    export = trade_web.get(
        "/trade", params={"decision": "detain", "per_page": "1", "export": "csv"}
    )
    lines = export.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Line,Decision,Score") and len(lines) == 2
    assert lines[1].startswith("ABC12345671/1,detain,")


@pytest.mark.browser
def test_sort_filter_page_and_download_screened_lines_in_chromium(
    trade_server: str, page: Page, tmp_path: Path
) -> None:
    sign_in_page(page, trade_server, "trade-analyst")
    page.goto(f"{trade_server}/trade?per_page=1")
    count = page.locator(".table-count")
    expect(count).to_have_text(re.compile(r"Showing 1\u20131 of 2"))
    page.get_by_role("link", name="Next →").click()
    expect(count).to_have_text(re.compile(r"Showing 2\u20132 of 2"))
    expect(page.locator("table.lines")).to_contain_text("ABC12345671/2")
    page.get_by_role("link", name="Line", exact=True).click()
    expect(page.get_by_role("columnheader", name="Line")).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(page.locator("table.lines tbody tr").first).to_contain_text("ABC12345671/1")
    page.get_by_label("Decision").select_option("detain")
    page.get_by_role("button", name="Apply").click()
    expect(count).to_have_text(re.compile(r"Showing 1\u20131 of 1 matching"))
    expect(page.locator("table.lines")).not_to_contain_text("ABC12345671/2")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    saved = tmp_path / "lines.csv"
    download.value.save_as(saved)
    rows = saved.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith("ABC12345671/1,detain,")
