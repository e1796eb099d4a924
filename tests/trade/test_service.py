"""The trade service's decisions CSV (the file `ctip trade screen --out` writes)."""

from __future__ import annotations

import csv
import io

from ctip.trade.screening import Decision, LineDecision
from ctip.trade.service import decisions_csv


def test_the_decisions_csv_writes_no_cell_a_spreadsheet_would_run() -> None:
    decision = LineDecision("=1+2", 3, Decision.RELEASE, 0.0, ())
    row = next(csv.DictReader(io.StringIO(decisions_csv([decision]))))
    assert row["entry_number"] == "'=1+2"
    assert row["line_number"] == "3" and row["decision"] == "release"
