"""What one audit row costs: `ctip.authz.audit.record` on SQLite and on PostgreSQL.

Every audited action (a screening request, an entity read, an export) appends one row of the
keyed, hash-chained audit log in its own transaction. This writes `--rows` rows (default
5,000) in one process, one transaction each as a request does: the session first checks out
its connection (a request has already read by the time it audits), then `record` runs, then
the transaction commits. Every `--checkpoint-every` rows (the default setting, 500) a
checkpoint is appended outside the database, as in production.

For each backend it prints the CPU milliseconds per row inside `record`, in the commit and
for the whole transaction, the wall milliseconds beside them, the 1-minute load average, and
checks that the chain it wrote verifies; PASS when `record` costs under 1 CPU ms a row and the
chain verifies (exit status 1 otherwise). `--profile` adds the top functions under cProfile.

Run from the repository root:

    .venv/bin/python -m benchmarks.audit [--rows N] [--backends sqlite,postgres] [--profile]

The PostgreSQL server is `CTIP_BENCH_DATABASE_URL` if set, else postgres@127.0.0.1:5432;
the benchmark works in a `ctip_bench_<hex>` database it creates and drops.
Wall times on a shared machine swing with the load; the CPU figures are the steadier ones.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.entity_store import _postgres_database  # the same throwaway database
from ctip.authz import audit
from ctip.store.db import Database

KEY = b"benchmark-audit-key-" * 3
WARM_UP_ROWS = 200
TARGET_RECORD_CPU_MS = 1.0
"""An audit row must cost well under a millisecond of CPU inside `record` (issue 9: every
millisecond of a 50 ms screening request counts)."""


@dataclass(frozen=True)
class Figures:
    """Totals over the timed rows of one backend."""

    backend: str
    rows: int
    record_cpu: float
    commit_cpu: float
    transaction_cpu: float
    record_wall: float
    transaction_wall: float
    load: float
    verified: bool

    @property
    def record_cpu_ms(self) -> float:
        """CPU milliseconds per row inside `record`."""
        return self.record_cpu * 1000 / self.rows

    @property
    def passed(self) -> bool:
        """Under the target, and the chain written verifies."""
        return self.verified and self.record_cpu_ms < TARGET_RECORD_CPU_MS

    def line(self) -> str:
        """One printed line: milliseconds per row."""
        per = 1000 / self.rows
        return (
            f"{self.backend:9} {self.rows:>6,} rows | CPU ms/row: record "
            f"{self.record_cpu * per:.3f}, commit {self.commit_cpu * per:.3f}, "
            f"transaction {self.transaction_cpu * per:.3f}"
            f" | wall ms/row: record {self.record_wall * per:.3f}, transaction "
            f"{self.transaction_wall * per:.3f} | load {self.load:.1f} | chain verifies: "
            f"{'yes' if self.verified else 'NO'} | "
            f"{'PASS' if self.passed else 'FAIL'} (record < {TARGET_RECORD_CPU_MS} CPU ms)"
        )


def log(message: str) -> None:
    """Progress to stderr, figures to stdout."""
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    with _postgres_database() as url:
        yield url


def _append(database: Database, n: int) -> tuple[float, float, float, float, float]:
    """One audited request: (record CPU, commit CPU, transaction CPU, record wall, wall)."""
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    with database.session() as session:
        session.connection()
        before_cpu, before_wall = time.process_time(), time.perf_counter()
        detail = {"queries": 1, "matches": n % 3, "threshold": 0.7}
        audit.record(session, f"analyst{n % 8}", "screen.run", "list:uflpa", detail)
        record_cpu = time.process_time() - before_cpu
        record_wall = time.perf_counter() - before_wall
        commit_from = time.process_time()
    commit_cpu = time.process_time() - commit_from
    total_cpu = time.process_time() - started_cpu
    return record_cpu, commit_cpu, total_cpu, record_wall, time.perf_counter() - started_wall


def run(backend: str, url: str, rows: int, every: int, folder: Path) -> Figures:
    """Migrate a fresh store, warm up, then time `rows` audited transactions."""
    database = Database(url)
    database.upgrade()
    audit.configure(audit.Sealing(KEY, every, folder / f"{backend}-checkpoints.jsonl"))
    try:
        for n in range(WARM_UP_ROWS):
            _append(database, n)
        totals = [0.0] * 5
        for n in range(rows):
            for i, value in enumerate(_append(database, n)):
                totals[i] += value
        load = os.getloadavg()[0]
        with database.session() as session:
            verified = audit.verify_chain(session, full=True).ok
    finally:
        audit.configure(None)
        database.dispose()
    record_cpu, commit_cpu, transaction_cpu, record_wall, transaction_wall = totals
    return Figures(
        backend,
        rows,
        record_cpu,
        commit_cpu,
        transaction_cpu,
        record_wall,
        transaction_wall,
        load,
        verified,
    )


def profile(url: str, rows: int, every: int, folder: Path) -> str:
    """The top functions by own time while appending `rows` rows."""
    database = Database(url)
    audit.configure(audit.Sealing(KEY, every, folder / "profile-checkpoints.jsonl"))
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        for n in range(rows):
            _append(database, n)
        profiler.disable()
    finally:
        audit.configure(None)
        database.dispose()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each backend asked for; exit 1 if a chain does not verify or a
    row costs more than the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--checkpoint-every", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="ctip-audit-bench-") as tmp:
        folder = Path(tmp)
        for backend in args.backends.split(","):
            with _database(backend, folder) as url:
                if url is None:
                    continue
                log(f"[{backend}] {args.rows:,} audited transactions ...")
                figures = run(backend, url, args.rows, args.checkpoint_every, folder)
                print(figures.line(), flush=True)
                failed = failed or not figures.passed
                if args.profile:
                    print(profile(url, min(args.rows, 2000), args.checkpoint_every, folder))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
