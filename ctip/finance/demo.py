"""The finance part of the demo world: a small bank's records in which a controller's
account, holding the phone of one of the demo's ad networks, gathers odd amounts from five
accounts, pays escort-ad sites and motels in several cities, and passes money on; around it
ordinary customers pay their regular amounts. Loaded through the ordinary loader, then
scanned, so the queue, the account pages and the SAR draft have something to show."""

from __future__ import annotations

import csv
import io
import random
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.finance import loading, readers, service, synthetic
from ctip.store.tables import EntityIdentifier

DEMO_ACTOR: Final = "demo"
CONTROLLER: Final = "ACCT-DEMO-0001"
FALLBACK_PHONE: Final = "+17025550143"


def _network_phone(session: Session) -> str:
    """A phone the demo's ad networks hold (the first by key), so the graph joins them."""
    query = (
        select(EntityIdentifier.key)
        .where(EntityIdentifier.kind == "phone")
        .order_by(EntityIdentifier.key)
        .limit(1)
    )
    return session.execute(query).scalar() or FALLBACK_PHONE


def _files(phone: str) -> dict[str, bytes]:
    world = synthetic.generate(accounts=400, patterns=6, steps=60, seed=5)
    rng = random.Random(3)
    accounts = io.StringIO()
    writer = csv.writer(accounts, lineterminator="\n")
    writer.writerow(
        ("account_id", "holder_name", "phone", "email", "bank", "country", "account_type")
    )
    writer.writerow(
        (CONTROLLER, "Demo Controller (synthetic)", phone, "", "Demo Bank", "US", "personal")
    )
    for account in world.accounts:
        writer.writerow(
            (
                f"ACCT-{account.account_id}",
                f"Customer {account.account_id}",
                "",
                "",
                "Demo Bank",
                "US",
                "personal",
            )
        )
    payments = io.StringIO()
    writer = csv.writer(payments, lineterminator="\n")
    writer.writerow(
        (
            "tx_id",
            "source",
            "target",
            "amount",
            "currency",
            "time",
            "channel",
            "memo",
            "counterparty",
        )
    )
    for tx in world.transactions:
        day = f"2026-0{1 + tx.step // 30}-{1 + tx.step % 28:02d}T14:00:00Z"
        writer.writerow(
            (
                tx.tx_id,
                f"ACCT-{tx.source}",
                f"ACCT-{tx.target}",
                tx.amount,
                "USD",
                day,
                "wire",
                "",
                "",
            )
        )
    memos = [
        ("escort ad", "MegaPersonals"),
        ("classified ad", "SkipTheGames"),
        ("motel", "Motel 6 Las Vegas"),
        ("motel", "Budget Inn Phoenix"),
        ("hotel", "Extended Stay Reno"),
        ("prepaid card", "Vanilla Prepaid"),
    ]
    for n, (memo, party) in enumerate(memos * 2):
        channel = "prepaid" if "prepaid" in memo else "card"
        writer.writerow(
            (
                f"demo-c{n}",
                CONTROLLER,
                f"MERCHANT-{party}",
                f"{rng.uniform(40, 300):.2f}",
                "USD",
                f"2026-02-{n + 1:02d}T23:30:00Z",
                channel,
                memo,
                party,
            )
        )
    for n in range(5):
        writer.writerow(
            (
                f"demo-in{n}",
                f"ACCT-{n + 300}",
                CONTROLLER,
                f"{rng.uniform(900, 990):.2f}",
                "USD",
                f"2026-02-{n + 3:02d}T02:15:00Z",
                "cash",
                "deposit",
                "",
            )
        )
    return {
        "accounts.csv": accounts.getvalue().encode(),
        "transactions.csv": payments.getvalue().encode(),
    }


def seed_demo(session: Session) -> str:
    """Load the demo bank records (once) and scan them."""
    files = _files(_network_phone(session))

    def read() -> readers.BankRecords:
        return readers.read_csv(
            files["accounts.csv"], "accounts.csv", files["transactions.csv"], "transactions.csv"
        )

    outcome = loading.load_records(session, files, "csv:demo-bank", read, DEMO_ACTOR)
    if outcome.already_loaded:
        return "demo bank records already loaded"
    scanned = service.scan(session, DEMO_ACTOR)
    return (
        f"{outcome.accounts} bank accounts, {outcome.transactions} payments; "
        f"{scanned.flagged} accounts flagged, {scanned.patterns} patterns"
    )
