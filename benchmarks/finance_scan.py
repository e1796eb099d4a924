"""Finance benchmark: load, scan and write FLAGS.csv for generated AMLSim-like records (10M
payments over 1M accounts at --scale 1), printing payments per second, CPU seconds, the load
average and the peak memory of each phase.

    .venv/bin/python -m benchmarks.finance_scan                 # 10,000,000 payments
    .venv/bin/python -m benchmarks.finance_scan --scale 0.05    # 500,000
    .venv/bin/python -m benchmarks.finance_scan --scale 0.01 --engine spark

The payments are generated as columns (numpy) and written as a CSV; then each phase runs in
its own forked process (so each one's peak memory and CPU time are its own): the ordinary
loader into a fresh SQLite file (validate-all, bulk insert), the ordinary scan over the store
(`service.scan`, as `ctip finance scan` runs it: read the payments, DuckDB windows, networkx
cycles, the red-flag pack, scores, stored findings), and FLAGS.csv (`service.flags_csv`).
`--engine spark` finds the irregular payments on Spark. `--skip-load` scans the generated
columns in memory, without the store. Wall-clock figures on a shared machine are noisy: read
them beside the CPU seconds and the load average printed with them.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.finance import detect, loading, readers, redflags, scoring, service, spark
from ctip.store.db import Database

FULL_TRANSACTIONS = 10_000_000
FULL_ACCOUNTS = 1_000_000
Phase = Callable[[], dict[str, Any]]


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


def write_csv(table: pa.Table, path: Path) -> None:
    """The payments as the plain CSV `ctip finance load --format csv` reads."""
    pacsv.write_csv(
        table.select(["tx_id", "source", "target", "amount", "step"]).rename_columns(
            ["tx_id", "source", "target", "amount", "time"]
        ),
        path,
    )


def peak_mib() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU seconds this process used so far (every thread, user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    """The 1-minute load average (the machine is shared: wall times depend on it)."""
    return f"{os.getloadavg()[0]:.1f}"


def _measured(phase: Phase, queue: Any) -> None:
    """Run a phase in this (forked) process and send back its figures."""
    cpu, started = cpu_seconds(), time.perf_counter()
    result = phase()
    result |= {
        "wall": time.perf_counter() - started,
        "cpu": cpu_seconds() - cpu,
        "peak": peak_mib(),
        "load": load_average(),
    }
    queue.put(result)


def in_own_process(phase: Phase) -> dict[str, Any]:
    """The phase's figures, measured in a forked child so its peak memory is its own."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_measured, args=(phase, queue))
    child.start()
    result: dict[str, Any] = queue.get()
    child.join()
    return result


def load_phase(csv_path: Path, database_url: str) -> Phase:
    """Load the CSV through the ordinary loader into the store."""

    def run() -> dict[str, Any]:
        data = csv_path.read_bytes()
        database = Database(database_url)
        with database.session() as session:
            outcome = loading.load_records(
                session,
                {"transactions": data},
                "csv:bench",
                lambda: readers.read_csv(None, "", data, csv_path.name),
                "bench",
            )
        database.dispose()
        return {"transactions": outcome.transactions, "accounts": outcome.accounts}

    return run


def scan_phase(database_url: str, engine: str) -> Phase:
    """The scan as `ctip finance scan` runs it, each stage timed."""

    def run() -> dict[str, Any]:
        database = Database(database_url)
        stages: list[float] = [time.perf_counter()]
        with database.session() as session:
            outcome = service.scan(
                session,
                "bench",
                progress=lambda n: stages.append(time.perf_counter()),
                engine=engine,
            )
        database.dispose()
        seconds = [round(b - a, 1) for a, b in itertools.pairwise(stages)]
        return {
            "transactions": outcome.transactions,
            "flagged": outcome.flagged,
            "patterns": outcome.patterns,
            "stages": seconds,
        }

    return run


def flag_phase(database_url: str, out: Path) -> Phase:
    """FLAGS.csv of the newest scan, as `ctip finance flag --out` writes it."""

    def run() -> dict[str, Any]:
        database = Database(database_url)
        with database.session() as session, out.open("w", encoding="utf-8") as handle:
            rows = service.flags_csv(session, handle)
        database.dispose()
        return {"rows": rows}

    return run


def memory_scan(table: pa.Table, engine: str) -> tuple[float, int, int]:
    """Detect, red-flag and score the generated columns (no store); seconds, flagged
    accounts, patterns."""
    started = time.perf_counter()
    irregular = spark.irregular_ids(table) if engine == "spark" else None
    found = detect.detect(table, irregular=irregular)
    hits = redflags.evaluate(table)
    flagged = sum(1 for s in scoring.score_all(found, hits) if s.flagged)
    return time.perf_counter() - started, flagged, len(found.patterns)


def figures(name: str, count: int, done: dict[str, Any]) -> str:
    """One phase's line: wall, payments/s, CPU seconds, load average, peak memory."""
    wall = done["wall"]
    return (
        f"{name}: {wall:.1f} s wall, {count / wall:,.0f} payments/s, {done['cpu']:.1f} CPU s, "
        f"load average {done['load']}, peak {done['peak']:,.0f} MiB"
    )


def through_the_store(table: pa.Table, engine: str, folder: Path) -> None:
    """Load, scan and write FLAGS.csv, each in its own process, printing each as it ends."""
    transactions = table.num_rows
    csv_path = folder / "transactions.csv"
    write_csv(table, csv_path)
    del table
    gc.collect()
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    print(f"before the phases: peak {peak_mib():,.0f} MiB, load average {load_average()}")
    loaded = in_own_process(load_phase(csv_path, url))
    print(figures("load", transactions, loaded) + f"; {loaded['accounts']:,} accounts")
    scanned = in_own_process(scan_phase(url, engine))
    print(
        figures(f"scan ({engine})", transactions, scanned)
        + f"; {scanned['flagged']:,} accounts flagged, {scanned['patterns']:,} patterns"
    )
    stages = scanned["stages"]
    print(f"  seconds per stage (read, detector stages, red flags, scores, store): {stages}")
    flags = in_own_process(flag_phase(url, folder / "FLAGS.csv"))
    print(
        f"FLAGS.csv: {flags['rows']:,} accounts in {flags['wall']:.1f} s wall "
        f"({flags['rows'] / flags['wall']:,.0f} rows/s), {flags['cpu']:.1f} CPU s, "
        f"load average {flags['load']}, peak {flags['peak']:,.0f} MiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--engine", choices=service.ENGINES, default="local")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--folder", type=Path, help="where the CSV and the store go (a temp dir)")
    args = parser.parse_args(argv)
    transactions = int(FULL_TRANSACTIONS * args.scale)
    accounts = max(1000, int(FULL_ACCOUNTS * args.scale))
    table = generate(transactions, accounts)
    print(f"generated {transactions:,} payments over {accounts:,} accounts", flush=True)
    if args.skip_load:
        cpu = cpu_seconds()
        seconds, flagged, patterns = memory_scan(table, args.engine)
        print(
            f"scan in memory ({args.engine}): {seconds:.1f} s wall, "
            f"{transactions / seconds:,.0f} payments/s, {cpu_seconds() - cpu:.1f} CPU s, "
            f"load average {load_average()}, {flagged:,} accounts flagged, {patterns:,} "
            f"patterns; peak {peak_mib():,.0f} MiB"
        )
        return 0
    if args.folder is not None:
        args.folder.mkdir(parents=True, exist_ok=True)
        through_the_store(table, args.engine, args.folder)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        through_the_store(table, args.engine, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
