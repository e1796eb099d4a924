"""Workbench pages: the queue, an account with its money-flow drawing, a pattern, the SAR."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ctip.config import Settings
from ctip.finance import loading, readers, service
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.finance.conftest import fan_in_records
from tests.support.workbench import sign_in


def _scanned(settings: Settings) -> None:
    accounts, txs = fan_in_records()
    database = Database(settings.database_url)
    with database.session() as session:
        loading.load_records(
            session,
            {"a": accounts, "t": txs},
            "csv:pages",
            lambda: readers.read_csv(accounts, "a.csv", txs, "t.csv"),
            "test",
        )
        service.scan(session, "test")
    database.dispose()


def test_queue_account_pattern_and_sar_pages(web: TestClient, seeded_settings: Settings) -> None:
    _scanned(seeded_settings)
    sign_in(web, Role.INTEL_ANALYST)
    queue = web.get("/finance")
    assert queue.status_code == 200 and 'href="/finance/accounts/HUB"' in queue.text
    exported = web.get("/finance", params={"export": "csv"})
    assert exported.status_code == 200 and "HUB" in exported.text
    account = web.get("/finance/accounts/HUB")
    assert account.status_code == 200
    assert "<svg" in account.text and "150.00" in account.text
    assert 'data-feature="typology:fan_in"' in account.text
    pattern_link = re.search(r'href="(/finance/patterns/[^"]+)"', account.text)
    assert pattern_link
    pattern = web.get(pattern_link.group(1))
    assert pattern.status_code == 200 and "odd0" in pattern.text and "<svg" in pattern.text
    sar = web.get("/finance/accounts/HUB/sar")
    assert "HUMAN TRAFFICKING FIN-2020-A008" in sar.text and "DRAFT" in sar.text
    pdf = web.get("/finance/accounts/HUB/sar", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = web.get("/finance/accounts/HUB/sar", params={"format": "txt"})
    assert text.headers["content-type"].startswith("text/plain")
    assert 'filename="sar-draft-HUB.txt"' in text.headers["content-disposition"]
    assert text.text.startswith("DRAFT") and "HUMAN TRAFFICKING FIN-2020-A008" in text.text
    assert web.get("/finance/accounts/nobody").status_code == 404


def test_trade_analysts_do_not_see_finance(web: TestClient) -> None:
    sign_in(web, Role.TRADE_ANALYST)
    assert web.get("/finance").status_code in (403, 404)
