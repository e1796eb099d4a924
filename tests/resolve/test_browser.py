"""The resolve workbench in a real Chromium: open a cluster, read the evidence, reject a link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ctip.config import Settings
from ctip.resolve import service
from ctip.resolve.records import record_from_row
from ctip.store.db import Database
from tests.support.browser import sign_in_page


@pytest.fixture
def seeded_clusters(seeded_settings: Settings) -> str:
    database = Database(seeded_settings.database_url)
    people = [
        {"id": f"b{n}", "name": "Olena Petrova", "birth_date": "1988-04-09", "source": s}
        for n, s in enumerate(("intake", "tips", "cases"), 1)
    ]
    with database.session() as session:
        records = [record_from_row(p, "web") for p in people]
        outcome = service.resolve_batch(session, records, "setup")
    database.dispose()
    return outcome.assignment["b1"]


@pytest.mark.browser
def test_an_analyst_rejects_a_link_and_sees_the_cluster_split(
    seeded_clusters: str, live_server: str, page: Page
) -> None:
    sign_in_page(page, live_server, "investigator")
    page.get_by_role("navigation", name="Areas").get_by_role(
        "link", name="Entity resolution"
    ).click()
    page.get_by_role("link", name=seeded_clusters).click()
    expect(page.locator("#cluster-id")).to_have_text(seeded_clusters)
    expect(page.locator("#records tbody tr")).to_have_count(3)
    expect(page.get_by_text("Exact match on birth_date").first).to_be_visible()
    first_link = page.locator("#link-1")
    first_link.get_by_label("Why").fill("different passports seen at the interview")
    first_link.get_by_role("button", name="Reject: different").click()
    # a shared 2-core machine can be slow to post, redirect and render: wait up to 20 s
    expect(page.locator("#judgements")).to_contain_text("different passports", timeout=20_000)
    expect(page.locator("#records tbody tr")).to_have_count(2, timeout=20_000)
