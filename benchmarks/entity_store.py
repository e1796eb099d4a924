"""How fast the entity store takes in FtM statements and answers look-ups, per backend.

Builds a seeded synthetic world (benchmarks/synthetic.py) of exactly `--statements` FtM
statements as JSON lines, then, for each backend in a fresh process (so that its peak RSS
is its own):

1. migrates an empty store (a temporary SQLite file, or a temporary PostgreSQL database
   that is dropped afterwards);
2. imports the file through `import_ftm_bytes` in one transaction, exactly as the API and
   the CLI do (validation, statements, look-up rows, import record, audit event), timing the
   parse/validate step apart from the write and commit;
3. runs 1,000 name look-ups (`search_by_name`) and 1,000 identifier look-ups
   (`find_by_identifier`) drawn from the data, one session each, as a request would.

Run from the repository root:

    .venv/bin/python -m benchmarks.entity_store [--statements N] [--backends sqlite,postgres]

The PostgreSQL server is `CTIP_BENCH_DATABASE_URL` if set, else postgres@127.0.0.1:5432;
either way the benchmark works in a `ctip_bench_<hex>` database it creates and drops.
The exit status is 1 when a target of the issue is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import resource
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from unittest.mock import patch

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from benchmarks.synthetic import Queries, build_world
from ctip.ingest import ftm_import as imports
from ctip.ingest.ftm import ParsedFile, parse_ftm_lines
from ctip.ingest.ftm_import import ImportOutcome
from ctip.store.db import Database, normalise_url
from ctip.store.entities import find_by_identifier, search_by_name

DEFAULT_STATEMENTS = 1_000_000
DEFAULT_QUERIES = 1000
BACKENDS = ("sqlite", "postgres")
TARGET_STATEMENTS_PER_S = 20_000  # on SQLite, the embedded default
TARGET_NAME_P95_MS = 50.0
SOURCE = "bench"
ACTOR = "benchmark"
PG_ENV = "CTIP_BENCH_DATABASE_URL"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_CONNECT_TIMEOUT_S = 3


@dataclass
class BackendResult:
    """What one backend did with the world; latencies in milliseconds."""

    backend: str
    statements: int
    entities: int
    parse_s: float
    write_s: float
    import_cpu_s: float
    name_ms: list[float]
    name_hits: int
    identifier_ms: list[float]
    identifier_hits: int
    peak_rss_mb: float
    store_mb: float

    @property
    def total_s(self) -> float:
        return self.parse_s + self.write_s

    @property
    def rate(self) -> float:
        """Statements per second through the whole import, parse included."""
        return self.statements / self.total_s

    @property
    def write_rate(self) -> float:
        """Statements per second of the write and commit alone."""
        return self.statements / self.write_s


def log(message: str) -> None:
    """Progress goes to stderr so the table on stdout stays clean."""
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of the values; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


# --- the worker: one backend, in its own process -------------------------------------------


@contextmanager
def _timed_parse(clock: list[float]) -> Iterator[None]:
    """Time the parse inside `import_ftm_bytes` by wrapping the function it calls."""

    def timed(data: bytes, file_name: str) -> ParsedFile:
        started = time.perf_counter()
        try:
            return parse_ftm_lines(data, file_name)
        finally:
            clock.append(time.perf_counter() - started)

    with patch.object(imports, "parse_ftm_lines", timed):
        yield


@contextmanager
def _profiled(path: str | None) -> Iterator[None]:
    """cProfile the block into `path` (and the top functions to stderr) when asked."""
    if path is None:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(path)
        report = io.StringIO()
        pstats.Stats(profile, stream=report).sort_stats("cumulative").print_stats(30)
        log(report.getvalue())


def _cpu_seconds() -> float:
    """User and system CPU time of this process (a database server's own is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _import(
    db: Database, data_path: Path, profile_path: str | None
) -> tuple[ImportOutcome, float, float, float]:
    """Import the file in one transaction: the outcome, parse, write and CPU seconds."""
    data = data_path.read_bytes()
    clock: list[float] = []
    with _timed_parse(clock), _profiled(profile_path):
        started, cpu = time.perf_counter(), _cpu_seconds()
        with db.session() as session:
            outcome = imports.import_ftm_bytes(session, data, data_path.name, SOURCE, ACTOR)
        total, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return outcome, clock[0], total - clock[0], cpu


def _latencies(
    db: Database, queries: Sequence[str], lookup: Callable[[Session, str], list[Any]]
) -> tuple[list[float], int]:
    """Milliseconds per look-up, each in its own session, and how many found something."""
    timings, hits = [], 0
    for query in queries:
        started = time.perf_counter()
        with db.session() as session:
            found = lookup(session, query)
        timings.append((time.perf_counter() - started) * 1000)
        hits += bool(found)
    return timings, hits


def _store_mb(db: Database) -> float:
    """The size of the store on disk after the import."""
    if db.is_sqlite:
        database = make_url(db.url).database or ""
        files = [Path(database), Path(database + "-wal")]
        return sum(f.stat().st_size for f in files if f.exists()) / 2**20
    with db.session() as session:
        size = session.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    return float(size) / 2**20


def run_backend(
    backend: str, url: str, data_path: str, queries_path: str, profile_path: str | None
) -> dict[str, Any]:
    """Migrate, import and look up on one backend; runs in a fresh process."""
    queries = Queries(**json.loads(Path(queries_path).read_text("utf-8")))
    db = Database(url)
    try:
        db.upgrade()
        log(f"[{backend}] importing {data_path}")
        outcome, parse_s, write_s, cpu_s = _import(db, Path(data_path), profile_path)
        log(f"[{backend}] imported in {parse_s + write_s:.1f} s; look-ups")
        name_ms, name_hits = _latencies(db, [q for _, q in queries.names], search_by_name)
        id_ms, id_hits = _latencies(db, [q for _, q in queries.identifiers], find_by_identifier)
        result = BackendResult(
            backend,
            outcome.statements_new,
            outcome.entities,
            parse_s,
            write_s,
            cpu_s,
            name_ms,
            name_hits,
            id_ms,
            id_hits,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            _store_mb(db),
        )
    finally:
        db.dispose()
    return asdict(result)


def _in_fresh_process(*args: Any) -> BackendResult:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return BackendResult(**pool.submit(run_backend, *args).result())


# --- the databases -------------------------------------------------------------------------


def _postgres_server() -> str:
    return normalise_url(os.environ.get(PG_ENV, "").strip() or PG_DEFAULT)


@contextmanager
def _postgres_database() -> Iterator[str | None]:
    """A temporary database on the server, dropped afterwards; None when unreachable."""
    server = _postgres_server()
    admin = create_engine(
        server,
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
    )
    name = f"ctip_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as error:
        shown = make_url(server).render_as_string(hide_password=True)
        log(f"[postgres] skipped: cannot create a database on {shown}: {error.__cause__ or error}")
        admin.dispose()
        yield None
        return
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        with _postgres_database() as url:
            yield url


# --- the report ----------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _latency(timings: list[float]) -> str:
    median = statistics.median(timings) if timings else math.nan
    return f"{median:.2f} / {percentile(timings, 0.95):.2f}"


def _row(result: BackendResult) -> list[str]:
    return [
        result.backend,
        f"{result.statements:,}",
        f"{result.parse_s:.1f}",
        f"{result.write_s:.1f}",
        f"{result.import_cpu_s:.1f}",
        f"{result.rate:,.0f}",
        f"{result.write_rate:,.0f}",
        _latency(result.name_ms),
        _latency(result.identifier_ms),
        f"{result.peak_rss_mb:,.0f}",
        f"{result.store_mb:,.0f}",
    ]


HEADER = [
    "backend",
    "statements",
    "parse s",
    "write s",
    "cpu s",
    "stmt/s",
    "write stmt/s",
    "name ms med/p95",
    "ident ms med/p95",
    "peak RSS MB",
    "store MB",
]


def format_table(rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, numbers right-aligned."""
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    return "\n".join([line(HEADER), line(["-" * w for w in widths]), *map(line, rows)])


def verdicts(results: list[BackendResult]) -> list[tuple[str, bool]]:
    """Each target of the issue, met or not."""
    checks = []
    for result in results:
        if result.backend == "sqlite":
            checks.append(
                (
                    f"sqlite import >= {TARGET_STATEMENTS_PER_S:,} statements/s "
                    f"(got {result.rate:,.0f})",
                    result.rate >= TARGET_STATEMENTS_PER_S,
                )
            )
        p95 = percentile(result.name_ms, 0.95)
        checks.append(
            (
                f"{result.backend} name look-up p95 < {TARGET_NAME_P95_MS:.0f} ms (got {p95:.2f})",
                p95 < TARGET_NAME_P95_MS,  # NaN (no queries) fails
            )
        )
    return checks


def report(results: list[BackendResult]) -> bool:
    """Print the table, hit rates and verdicts; True when every target is met."""
    print(format_table([_row(r) for r in results]))
    print(f"machine at the end: {machine_note()}")
    print()
    for result in results:
        print(
            f"{result.backend}: {result.entities:,} entities; found something for "
            f"{result.name_hits:,} of {len(result.name_ms):,} names and "
            f"{result.identifier_hits:,} of {len(result.identifier_ms):,} identifiers"
        )
    print()
    checks = verdicts(results)
    for label, ok in checks:
        print(f"{_verdict(ok)}  {label}")
    return all(ok for _, ok in checks)


# --- the command ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=DEFAULT_STATEMENTS)
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--profile", metavar="DIR", help="cProfile each import into DIR/<backend>.prof"
    )
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(args.backends) - set(BACKENDS)
    if unknown or not args.backends:
        parser.error(f"--backends: choose from {', '.join(BACKENDS)}")
    if args.statements < 1:
        parser.error("--statements must be at least 1")
    return args


def _write_world(args: argparse.Namespace, folder: Path) -> tuple[Path, Path]:
    started = time.perf_counter()
    world = build_world(args.statements, args.seed, args.queries)
    data_path, queries_path = folder / "world.ftm.json", folder / "queries.json"
    data_path.write_bytes(world.lines)
    queries_path.write_text(json.dumps(asdict(world.queries), ensure_ascii=False), "utf-8")
    log(
        f"generated {world.statements:,} statements in {world.entities:,} entities "
        f"({len(world.lines) / 2**20:.0f} MB) in {time.perf_counter() - started:.1f} s"
    )
    return data_path, queries_path


def _profile_path(folder: str | None, backend: str) -> str | None:
    if folder is None:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(Path(folder) / f"{backend}.prof")


def machine_note() -> str:
    """CPUs and load: on a shared machine wall-clock figures mean little without them."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} (1 min) / {five:.1f} (5 min)"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    log(f"machine: {machine_note()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="ctip-bench-") as tmp:
        folder = Path(tmp)
        data_path, queries_path = _write_world(args, folder)
        for backend in args.backends:
            with _database(backend, folder) as url:
                if url is None:
                    continue
                profile = _profile_path(args.profile, backend)
                results.append(
                    _in_fresh_process(backend, url, str(data_path), str(queries_path), profile)
                )
    if not results:
        print("no backend could be run")
        return 1
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
