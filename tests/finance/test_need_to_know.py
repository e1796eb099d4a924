"""Need-to-know in finance: a scan links an account holder to another area's entity only
through statements every reader of finance may see.

A scan's findings (the score and the evidence it rests on) are stored once and read by every
finance reader, so they cannot be cut per reader: a link that one of them may not see would
still weigh in the score they read. The ads (source "ads") are open to every finance reader,
so an ad poster holding the holder's phone is linked; a customs broker stated only by a
source that investigators and intel analysts may not open ("customs-files") is not, for
anyone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ctip.finance import loading, readers, service
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.conftest import TokenFor
from tests.finance.conftest import fan_in_records
from tests.support.need_to_know import CUSTOMS_SOURCE, customs_files_owned, import_entities

HUB_PHONE = "+17025550143"  # the hub's holder's phone in `fan_in_records`


def _holder(entity_id: str, name: str) -> str:
    properties = {"name": [name], "phone": [HUB_PHONE]}
    return json.dumps({"id": entity_id, "schema": "LegalEntity", "properties": properties})


@pytest.fixture
def scanned(client: TestClient, role_headers: TokenFor) -> Iterator[Database]:
    """Bank records loaded and scanned, with two other areas' holders of the hub's phone."""
    role_headers(Role.ADMIN)  # the users exist
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    accounts, txs = fan_in_records()
    with customs_files_owned():
        import_entities(database, "ads", _holder("poster-hub", "Poster of network 9"))
        import_entities(database, CUSTOMS_SOURCE, _holder("broker-hub", "Bay Line Brokers"))
        with database.session() as session:
            loading.load_records(
                session,
                {"accounts.csv": accounts, "transactions.csv": txs},
                "csv:test",
                lambda: readers.read_csv(accounts, "accounts.csv", txs, "transactions.csv"),
                "ana",
            )
            service.scan(session, "ana")
        yield database


def _linked(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/finance/accounts", params={"account": "HUB"}, headers=headers)
    assert response.status_code == 200, response.text
    features: list[dict[str, Any]] = response.json()["explanation"]["features"]
    return [f for f in features if f["name"].startswith("link:")]


@pytest.mark.parametrize("role", [Role.INTEL_ANALYST, Role.SUPERVISOR], ids=str)
def test_the_scan_links_the_holder_only_through_what_every_finance_reader_may_see(
    client: TestClient, role_headers: TokenFor, scanned: Database, role: Role
) -> None:
    links = _linked(client, role_headers(role))
    assert len(links) == 1 and "Poster of network 9" in links[0]["sentence"]
    assert "ads" in links[0]["name"]
    account = client.get(
        "/api/v1/finance/accounts", params={"account": "HUB"}, headers=role_headers(role)
    )
    assert "Bay Line" not in account.text and "broker-hub" not in account.text
