"""The finance workbench in a real Chromium, as an intel analyst works a flagged account: the
queue, the account's explanation and money-flow drawing, its pattern's payments, the draft
SAR downloaded as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from ctip.config import Settings
from ctip.finance import loading, readers, service
from ctip.store.db import Database
from tests.finance.conftest import fan_in_records
from tests.support.browser import note_console_error, serve, sign_in_page

SCREENSHOT = Path("/tmp/ctip-finance-account.png")
ODD_PAYMENTS = {f"odd{n}": (f"P{n}", f"{150 + n * 3:.2f}", f"2026-02-0{n + 1}") for n in range(5)}


@pytest.fixture
def finance_server(seeded_settings: Settings) -> Iterator[str]:
    """The workbench over a store holding the fan-in records, scanned once."""
    accounts, txs = fan_in_records()
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        loading.load_records(
            session,
            {"accounts.csv": accounts, "transactions.csv": txs},
            "csv:browser",
            lambda: readers.read_csv(accounts, "accounts.csv", txs, "transactions.csv"),
            "test-setup",
        )
        service.scan(session, "test-setup")
    database.dispose()
    with serve(seeded_settings) as url:
        yield url


@pytest.mark.browser
def test_an_analyst_works_a_flagged_account_to_a_draft_sar(
    finance_server: str, page: Page, tmp_path: Path
) -> None:
    requests: list[Request] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request))
    page.on("console", lambda m: note_console_error(m, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in_page(page, finance_server, "intel-analyst")
    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Finance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flagged accounts")
    queue = page.locator("table").filter(has=page.get_by_role("link", name="HUB", exact=True))
    hub_row = queue.locator("tbody tr").filter(has=page.get_by_role("link", name="HUB"))
    expect(hub_row).to_contain_text("Mira Vance")
    expect(hub_row).to_contain_text("fan_in")
    expect(hub_row).to_contain_text("escort_ad_payments")
    expect(queue.get_by_role("link", name="P9", exact=True)).to_have_count(0)  # not flagged
    hub_row.get_by_role("link", name="HUB").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Account HUB")
    expect(page.locator("#score")).to_contain_text("(flagged)")
    why = page.locator("#account-explanation")
    expect(why.locator(".explanation-summary")).to_contain_text("reaches the flagged threshold")
    expect(why.locator('[data-feature="typology:fan_in"]')).to_contain_text("As hub in a fan-in")
    expect(why.locator('[data-feature="red_flag:escort_ad_payments"]')).to_contain_text(
        "FIN-2020-A008"
    )

    drawing = page.locator("figure.drawing svg.money-flow")
    expect(drawing).to_be_visible()
    flows = drawing.locator("g.flow text")
    for source, amount, day in ODD_PAYMENTS.values():
        expect(flows.filter(has_text=f"{amount} @ {day}")).to_have_count(1)
        payer = drawing.locator("g.account text", has_text=re.compile(f"^{source}$"))
        expect(payer).to_be_visible()
    expect(drawing.locator("g.account.own text")).to_have_text("HUB")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.locator("#patterns").get_by_role("link", name="fan_in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fan-in fan_in-")
    expect(page.locator("#members")).to_contain_text("HUB: hub")
    payments = page.locator("#payments tbody tr")
    expect(payments).to_have_count(len(ODD_PAYMENTS))
    for tx_id, (source, amount, day) in ODD_PAYMENTS.items():
        row = payments.filter(has_text=tx_id)
        expect(row.locator("td").nth(1)).to_contain_text(day)
        expect(row.locator("td").nth(2)).to_have_text(source)
        expect(row.locator("td").nth(3)).to_have_text("HUB")
        expect(row.locator("td").nth(4)).to_contain_text(f"{amount} USD")
    expect(page.locator("figure.drawing svg.money-flow g.flow")).to_have_count(len(ODD_PAYMENTS))

    page.go_back()
    page.get_by_role("link", name="Draft SAR narrative").click()
    expect(page.get_by_role("note")).to_contain_text("DRAFT")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download text").click()
    assert download.value.suggested_filename == "sar-draft-HUB.txt"
    saved = tmp_path / "sar.txt"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("DRAFT") and text.rstrip().endswith("not a filed report")
    assert "HUMAN TRAFFICKING FIN-2020-A008" in text
    assert "Account HUB held by Mira Vance" in text
    assert all(tx_id in text for tx_id in ODD_PAYMENTS)

    foreign = [r.url for r in requests if not r.url.startswith(finance_server)]
    assert not foreign, f"fetched from elsewhere: {foreign}"
    assert not problems, problems
