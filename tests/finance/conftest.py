"""Fixtures of the finance tests: small bank records written as CSV, and the AMLSim folders."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

ACCOUNT_HEADER = ("account_id", "holder_name", "phone", "email", "bank", "country")
TX_HEADER = (
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


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as CSV bytes with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def fan_in_records() -> tuple[bytes, bytes]:
    """A hub gathering odd amounts from five regular payers within a week, plus escort-ad and
    motel payments by the hub; ordinary payers around them."""
    accounts = [("HUB", "Mira Vance", "+1 702 555 0143", "", "First Bank", "US")]
    accounts += [(f"P{n}", f"Payer {n}", "", "", "First Bank", "US") for n in range(12)]
    txs: list[tuple[object, ...]] = []
    for n in range(12):
        regular = 100 + 37 * n
        for day in range(1, 4):
            txs.append(
                (
                    f"r{n}-{day}",
                    f"P{n}",
                    f"P{(n + day) % 12}",
                    f"{regular:.2f}",
                    "USD",
                    f"2026-01-{day * 5:02d}T12:00:00Z",
                    "wire",
                    "",
                    "",
                )
            )
    for n in range(5):
        txs.append(
            (
                f"odd{n}",
                f"P{n}",
                "HUB",
                f"{150 + n * 3:.2f}",
                "USD",
                f"2026-02-0{n + 1}T12:00:00Z",
                "wire",
                "",
                "",
            )
        )
    for n, (memo, party) in enumerate(
        [
            ("escort ad", "MegaPersonals"),
            ("escort ad", "SkipTheGames"),
            ("motel", "Motel 6 Reno"),
            ("motel", "Budget Inn Elko"),
            ("hotel", "Extended Stay Boise"),
        ]
    ):
        txs.append(
            (
                f"m{n}",
                "HUB",
                f"M{n}",
                "80.00",
                "USD",
                f"2026-02-1{n}T23:00:00Z",
                "card",
                memo,
                party,
            )
        )
    return csv_bytes(ACCOUNT_HEADER, accounts), csv_bytes(TX_HEADER, txs)
