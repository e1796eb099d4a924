"""A scan's holder links: every holder's phone and e-mail looked up at once, the links those
look-ups gave one by one (labels, order, need-to-know), in a handful of queries."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ctip.finance import loading, readers, service
from ctip.finance.tables import AccountRow
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.store.db import Database
from tests.finance.conftest import ACCOUNT_HEADER, csv_bytes
from tests.support.queries import counted_statements

HOLDERS = 1200  # more than two look-up batches of 500
SECRET = "secret-files"


def _phone(n: int) -> str:
    return f"+1 702 557 {n:04d}"


def _entities(*people: tuple[str, str, dict[str, str]]) -> bytes:
    lines = [
        json.dumps(
            {
                "id": entity_id,
                "schema": "Person",
                "properties": {"name": [name]} | {k: [v] for k, v in values.items()},
            }
        )
        for entity_id, name, values in people
    ]
    return "\n".join(lines).encode()


@pytest.fixture
def holders(sqlite_database: Database) -> Database:
    """1,200 account holders with a phone and an e-mail; ads hold some of them, a secret
    source one more."""
    rows = [
        (f"A{n:04d}", f"Holder {n}", _phone(n), f"h{n}@bank.example", "First Bank", "US")
        for n in range(HOLDERS)
    ]
    accounts = csv_bytes(ACCOUNT_HEADER, rows)
    txs = b"source,target,amount\n"
    ads = _entities(
        ("ad-7", "Poster 7", {"phone": _phone(7)}),
        ("ad-7b", "Poster 7b", {"phone": _phone(7), "email": "h7@bank.example"}),
        ("ad-1100", "Mailer 1100", {"email": "H1100@Bank.Example"}),
    )
    secret = _entities(("sx-7", "Broker 7", {"phone": _phone(7)}))
    with sqlite_database.session() as session:
        loading.load_records(
            session,
            {"accounts.csv": accounts, "tx.csv": txs},
            "csv:holders",
            lambda: readers.read_csv(accounts, "accounts.csv", txs, "tx.csv"),
            "ana",
        )
        import_ftm_bytes(session, ads, "ads.ijson", "ads", "tester")
        import_ftm_bytes(session, secret, "secret.ijson", SECRET, "tester")
    return sqlite_database


def _links(database: Database, hidden: frozenset[str]) -> tuple[dict[str, list[str]], int]:
    with database.session() as session:
        accounts = session.execute(select(AccountRow)).scalars().all()
        with counted_statements(database) as queries:
            found = service.holder_links(session, accounts, hidden)
    return {a: [f"{link.kind} {link.label}" for link in ls] for a, ls in found.items()}, queries[0]


def test_holders_meet_other_sources_holding_their_phone_or_e_mail(holders: Database) -> None:
    links, queries = _links(holders, frozenset({SECRET}))
    assert links == {
        "A0007": [
            "phone:ads The holder's phone +1 702 557 0007 is also held by Poster 7 "
            "(Person, source ads)",
            "phone:ads The holder's phone +1 702 557 0007 is also held by Poster 7b "
            "(Person, source ads)",
            "email:ads The holder's email h7@bank.example is also held by Poster 7b "
            "(Person, source ads)",
        ],
        "A1100": [
            "email:ads The holder's email h1100@bank.example is also held by Mailer 1100 "
            "(Person, source ads)"
        ],
    }
    assert queries <= 12  # 2,400 look-ups: key batches and statement batches, not 4,800


def test_a_source_not_hidden_links_too(holders: Database) -> None:
    links, _ = _links(holders, frozenset())
    assert [label.split(" is also held by ")[1] for label in links["A0007"]] == [
        "Poster 7 (Person, source ads)",  # the phone's holders in id order (ad-, sx-)
        "Poster 7b (Person, source ads)",
        "Broker 7 (Person, source secret-files)",
        "Poster 7b (Person, source ads)",  # then the e-mail's
    ]
