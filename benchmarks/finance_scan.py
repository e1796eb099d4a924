"""Finance benchmark: load and scan generated AMLSim-like records (10M payments over 1M
accounts at --scale 1), printing payments per second for each and the peak memory.

    .venv/bin/python -m benchmarks.finance_scan                 # 10,000,000 payments
    .venv/bin/python -m benchmarks.finance_scan --scale 0.05    # 500,000
    .venv/bin/python -m benchmarks.finance_scan --scale 0.01 --engine spark

The payments are generated as columns (numpy), written as a CSV, loaded through the ordinary
loader into a fresh SQLite file (validate-all, bulk insert), then scanned by the detector
(DuckDB windows, networkx cycles) with the red-flag pack. `--engine spark` finds the
irregular payments on Spark. `--skip-load` scans the generated columns without the store.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.finance import detect, loading, readers, redflags, scoring, spark
from ctip.store.db import Database

FULL_TRANSACTIONS = 10_000_000
FULL_ACCOUNTS = 1_000_000


def generate(transactions: int, accounts: int, seed: int = 1) -> pa.Table:
    """Ordinary payments (each account its own regular amount) and one planted fan-in per
    10,000 accounts (amounts 100-200 within 20 steps)."""
    rng = np.random.default_rng(seed)
    regular = np.round(rng.uniform(100, 600, accounts), 2)
    source = rng.integers(0, accounts, transactions)
    target = rng.integers(0, accounts, transactions)
    amount = regular[source]
    step = rng.integers(1, 366, transactions)
    planted = max(1, accounts // 10_000)
    hubs = rng.choice(accounts, planted, replace=False)
    for number, hub in enumerate(hubs):
        rows = slice(number * 5, number * 5 + 5)
        target[rows] = hub
        amount[rows] = np.round(rng.uniform(100, 200, 5), 2)
        step[rows] = rng.integers(100, 120) + np.arange(5)
    return pa.table(
        {
            "tx_id": pa.array(np.char.add("b", np.arange(transactions).astype(str))),
            "source": pa.array(source.astype(str)),
            "target": pa.array(target.astype(str)),
            "amount": pa.array(amount),
            "step": pa.array(step.astype(np.int64)),
            "channel": pa.array(np.full(transactions, "wire")),
            "memo": pa.array(np.full(transactions, "")),
            "counterparty": pa.array(np.full(transactions, "")),
            "occurred_at": pa.array(step.astype(str)),
        }
    )


def peak_mib() -> float:
    """The process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(table: pa.Table, folder: Path) -> float:
    """Write the CSV, load it into a fresh SQLite store; seconds taken."""
    path = folder / "transactions.csv"
    pacsv.write_csv(
        table.select(["tx_id", "source", "target", "amount", "step"]).rename_columns(
            ["tx_id", "source", "target", "amount", "time"]
        ),
        path,
    )
    data = path.read_bytes()
    database = Database(f"sqlite:///{folder / 'bench.sqlite3'}")
    database.upgrade()
    started = time.perf_counter()
    with database.session() as session:
        loading.load_records(
            session,
            {"t": data},
            "csv:bench",
            lambda: readers.read_csv(None, "", data, path.name),
            "bench",
        )
    database.dispose()
    return time.perf_counter() - started


def scan(table: pa.Table, engine: str) -> tuple[float, int, int]:
    """Detect, red-flag and score; seconds, flagged accounts, patterns."""
    started = time.perf_counter()
    irregular = spark.irregular_ids(table) if engine == "spark" else None
    found = detect.detect(table, irregular=irregular)
    hits = redflags.evaluate(table)
    flagged = sum(1 for s in scoring.score_all(found, hits) if s.flagged)
    return time.perf_counter() - started, flagged, len(found.patterns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--engine", choices=("local", "spark"), default="local")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args(argv)
    transactions = int(FULL_TRANSACTIONS * args.scale)
    accounts = max(1000, int(FULL_ACCOUNTS * args.scale))
    table = generate(transactions, accounts)
    print(f"generated {transactions:,} payments over {accounts:,} accounts")
    if not args.skip_load:
        with tempfile.TemporaryDirectory() as folder:
            seconds = load(table, Path(folder))
        print(
            f"load: {seconds:.1f} s, {transactions / seconds:,.0f} payments/s; "
            f"peak {peak_mib():,.0f} MiB"
        )
    seconds, flagged, patterns = scan(table, args.engine)
    print(
        f"scan ({args.engine}): {seconds:.1f} s, {transactions / seconds:,.0f} payments/s, "
        f"{flagged:,} accounts flagged, {patterns:,} patterns; peak {peak_mib():,.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
