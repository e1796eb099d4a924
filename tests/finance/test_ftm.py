"""Bank records as FtM: out and back in alike, and holders meet the entity store."""

from __future__ import annotations

import json

from ctip.finance import ftm, readers
from ctip.store import entities
from ctip.store.db import Database
from tests.finance.conftest import fan_in_records
from tests.finance.test_service import _load


def test_export_and_read_back_give_the_same_payments() -> None:
    accounts, txs = fan_in_records()
    records = readers.read_csv(accounts, "a.csv", txs, "t.csv")
    lines = list(ftm.export_lines(records.accounts.values(), records.transactions))
    schemata = {json.loads(line)["schema"] for line in lines}
    assert schemata == {"BankAccount", "LegalEntity", "Ownership", "Payment"}
    back = ftm.read_ftm(("\n".join(lines) + "\n").encode(), "out.jsonl")
    pairs = sorted((t.tx_id, t.source, t.target, t.amount) for t in back.transactions)
    assert pairs == sorted((t.tx_id, t.source, t.target, t.amount) for t in records.transactions)
    assert {t.step for t in back.transactions} == {t.step for t in records.transactions}


def test_holders_are_found_by_their_phone_in_the_entity_store(sqlite_database: Database) -> None:
    accounts, txs = fan_in_records()
    with sqlite_database.session() as session:
        _load(session, accounts, txs)
    with sqlite_database.session() as session:
        found = entities.find_by_identifier(session, "+1 702 555 0143", "phone")
        assert [e.id for e in found] == [ftm.holder_entity_id("HUB")]
        assert found[0].sources == ("finance",)
