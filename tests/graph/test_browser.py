"""The network view in a real Chromium: open a donor's graph, see the party, click to expand."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.support.browser import note_console_error, sign_in_page

DONOR = "f9c295f21b233ac878fbac4d271bb6fd13d7952a"  # Frau Lina Dachner
PARTY = "6d03aec76fdeec8f9697d8b19954ab6fc2568bc8"  # MLPD, paid by Dachner and others
SCREENSHOT = Path("/tmp/ctip-graph.png")


@pytest.mark.browser
def test_open_a_donors_network_and_expand_the_party(live_server: str, page: Page) -> None:
    problems: list[str] = []
    requests: list[Request] = []
    page.on("console", lambda m: note_console_error(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: requests.append(r))
    sign_in_page(page, live_server, "investigator")
    page.goto(f"{live_server}/entities/{DONOR}")
    page.get_by_role("link", name="Network view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network of Frau Lina Dachner")

    nodes = page.locator("svg.graph-svg g.graph-node")
    party = page.locator(f'g.graph-node[data-entity-id="{PARTY}"]')
    expect(party).to_be_visible()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    before = nodes.count()
    party.click()

    expect(page.locator("#panel-title")).to_contain_text("MLPD")
    expect(page.locator(f'g.graph-node-selected[data-entity-id="{PARTY}"]')).to_be_visible()
    expect(nodes).not_to_have_count(before)
    assert nodes.count() > before  # MLPD's other donors were merged into the drawing
    assert any(r.headers.get("hx-request") == "true" for r in requests), "htmx did not swap"
    expect(page).to_have_url(f"{live_server}/graph/{DONOR}?expand={PARTY}&selected={PARTY}")
    page.locator("#graph-view").get_by_role("link", name="Entity page with full provenance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MLPD")
    assert not problems, problems
