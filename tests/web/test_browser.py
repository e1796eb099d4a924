"""The workbench in a real Chromium: sign in, search a donor, read the entity's provenance."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.support.browser import note_console_error, sign_in_page

SCREENSHOT = Path("/tmp/ctip-entity.png")
FIRST_SEEN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")


@pytest.mark.browser
def test_search_a_donor_and_read_where_each_fact_came_from(live_server: str, page: Page) -> None:
    requests: list[Request] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request))
    page.on("console", lambda m: note_console_error(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in_page(page, live_server, "investigator")
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
    sign_in_page(page, live_server, "investigator")
    page.goto(f"{live_server}/entities")
    page.get_by_label("Identifier").fill("nothing-like-this")
    page.get_by_label("Name", exact=True).fill("MLPD")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/entities\?q=MLPD&identifier=nothing-like-this"))
    expect(page.locator("#results").get_by_role("link", name="MLPD")).to_be_visible()
    expect(page.get_by_text("No entity matches the identifier")).to_be_visible()


@pytest.mark.browser
def test_sign_out_from_the_header(live_server: str, page: Page) -> None:
    sign_in_page(page, live_server, "supervisor")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Audit log").click()
    page.get_by_role("button", name="Verify now").click()
    expect(page.get_by_text("Chain intact")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(f"{live_server}/audit")
    expect(page).to_have_url(f"{live_server}/login")


@pytest.mark.browser
def test_page_sort_filter_and_download_the_audit_log(
    live_server: str, page: Page, tmp_path: Path
) -> None:
    sign_in_page(page, live_server, "supervisor")
    page.goto(f"{live_server}/audit?per_page=2")
    count = page.locator(".table-count")
    expect(count).to_contain_text(re.compile(r"Showing 1\u20132 of \d+"))
    page.get_by_role("link", name="Next →").click()
    expect(count).to_contain_text(re.compile(r"Showing 3\u20134 of \d+"))
    page.get_by_role("link", name="#", exact=True).click()  # oldest first now
    expect(page.get_by_role("columnheader", name="#")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("table.audit tbody tr").first.locator("td").first).to_have_text("1")
    page.get_by_label("Action", exact=True).fill("login")
    page.get_by_role("button", name="Apply").click()
    expect(count).to_contain_text("matching")
    actions = page.locator("table.audit tbody td:nth-child(4)").all_inner_texts()
    assert actions and all("login" in a for a in actions)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    saved = tmp_path / "audit.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["#", "When", "Who", "Action"]
    assert len(rows) > 1 and all("login" in r[3] for r in rows[1:])


@pytest.mark.browser
def test_a_chinese_name_is_drawn_with_a_cjk_font_not_as_boxes(live_server: str, page: Page) -> None:
    sign_in_page(page, live_server, "investigator")
    page.goto(f"{live_server}/entities")
    name = "金线服装贸易有限公司"
    page.get_by_label("Name", exact=True).fill(name)
    widths = page.evaluate(
        """(text) => {
            const canvas = document.createElement("canvas").getContext("2d");
            canvas.font = "16px " + getComputedStyle(document.body).fontFamily;
            const missing = "\\u{10FFFD}".repeat(text.length);  // a code point no font has
            return [canvas.measureText(text).width, canvas.measureText(missing).width];
        }""",
        name,
    )
    drawn, boxes = widths
    # Han characters are full-width (one em each); without a CJK font they would be drawn
    # as the same missing-glyph boxes as a code point no font has.
    assert drawn >= 0.9 * 16 * len(name) and abs(drawn - boxes) > 1, widths
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in family and "Noto Naskh Arabic" in family
