"""Screening service latency: a large list, a warm server, many clients at once.

1. Generates a list of `--entries` parties (the screening benchmark's generator: Chinese
   companies in Latin and Han script, other companies, persons) and loads it into a fresh
   SQLite store as the list `bench`.
2. Builds the edition's screening index once (timed), then reopens it as a new process
   would (timed: the open that every later start pays).
3. Starts the API server (uvicorn, one worker) with warming at start, times how long until
   `GET /api/v1/health` first answers 200, and the first screening after it.
4. Sends `--requests` single-name `POST /api/v1/screen` requests from `--clients`
   concurrent clients (listed names perturbed, and unlisted names) and prints p50, p95, p99.
5. Times a whole `ctip screen` command of 6 names against the same list.

Exit status 1 when a target of issue 9 is missed (p95 <= 50 ms with 8 clients, the first
request after health 200 under 2 s, `ctip screen` of 6 names under 3 s).

    .venv/bin/python -m benchmarks.screen_service [--entries N] [--clients N] [--requests N]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from fastapi import FastAPI

from benchmarks import screening as generator
from ctip.api.app import API_PREFIX, create_app
from ctip.authz.users import add_user
from ctip.config import get_settings
from ctip.lists.governance import entries_in_effect
from ctip.lists.store import load_watchlist
from ctip.matching import warm
from ctip.matching.index import CandidateIndex
from ctip.matching.types import ListEntry
from ctip.store.db import Database

SEED = 20261203
PASSWORD = "bench-password-2026"
USER = "bench.analyst"
P95_TARGET_MS = 50.0
FIRST_TARGET_S = 2.0
CLI_TARGET_S = 3.0


def list_csv(entries: list[ListEntry]) -> bytes:
    """The generated entries as a watchlist CSV (id, name, aliases, schema, country)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "name", "aliases", "schema", "country"])
    for e in entries:
        writer.writerow([e.entry_id, e.name, ";".join(e.aliases), e.schema, ";".join(e.countries)])
    return buffer.getvalue().encode()


def app() -> FastAPI:
    """The served app, warming at start (what `ctip serve` does once the warm-up is wired)."""
    application = create_app()
    warm.start_warming(application.state.database.session)
    return application


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(base: str, timeout: float = 900.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(f"{base}{API_PREFIX}/health", timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit("the server never became healthy")


def _queries(rng: random.Random, entries: list[ListEntry], count: int) -> list[str]:
    names = []
    for _ in range(count):
        entry = rng.choice(entries)
        names.append(generator.typo(rng, entry.name) if rng.random() < 0.5 else entry.name)
    return names


def _screen(client: httpx.Client, token: str, name: str) -> float:
    body = {"list": "bench", "queries": [{"id": "q", "name": name}]}
    started = time.perf_counter()
    answer = client.post(
        f"{API_PREFIX}/screen", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"screen answered {answer.status_code}: {answer.text[:300]}")
    return elapsed


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _cli_six(store: str, env: dict[str, str], names: list[str], work: Path) -> float:
    queries = work / "six.csv"
    with queries.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name"])
        writer.writerows((f"q{i}", name) for i, name in enumerate(names))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ctip.cli", "screen", str(queries), "--list", "bench",
         "--out", str(work / "hits.csv")],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ctip screen failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Run every step and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=800)
    args = parser.parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured
    rng = random.Random(SEED)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="ctip-screen-bench-"))
    store = f"sqlite:///{work / 'ctip.sqlite3'}"
    env = {**os.environ, "CTIP_DATABASE_URL": store, "CTIP_ENV": "development"}
    os.environ.update(env)
    get_settings.cache_clear()
    entries = generator.build_list(rng, args.entries, generator.brands(rng, args.entries, True))
    print(f"{len(entries):,} entries generated in {time.perf_counter() - started:.1f} s")
    database = Database(store)
    database.upgrade()
    started = time.perf_counter()
    with database.session() as session:
        load_watchlist(session, list_csv(entries), "bench.csv", "bench", "bench", "v1")
        add_user(session, "bench", USER, PASSWORD, "intel_analyst")
    print(f"{len(entries):,} entries loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with database.session() as session:
        entries_in_effect(session, "bench")
    print(f"index built and saved in {time.perf_counter() - started:.1f} s (once per edition)")
    directory = next(warm.index_dir(store).iterdir())
    started = time.perf_counter()
    CandidateIndex.open(directory)
    print(f"saved index opened in {1000 * (time.perf_counter() - started):.1f} ms")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.screen_service:app",
         "--port", str(port), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        return _measure(args, rng, entries, base, store, env, work)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _measure(
    args: argparse.Namespace,
    rng: random.Random,
    entries: list[ListEntry],
    base: str,
    store: str,
    env: dict[str, str],
    work: Path,
) -> int:
    ready = _wait_healthy(base)
    print(f"server healthy {ready:.1f} s after start")
    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.post(
            f"{API_PREFIX}/auth/token", json={"username": USER, "password": PASSWORD}
        ).json()["access_token"]
        first = _screen(client, token, entries[0].name)
    print(f"first screening after health 200: {1000 * first:.0f} ms")
    names = _queries(rng, entries, args.requests)
    clients = [httpx.Client(base_url=base, timeout=60) for _ in range(args.clients)]

    def one(item: tuple[int, str]) -> float:
        return _screen(clients[item[0] % len(clients)], token, item[1])

    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        timings = list(pool.map(one, enumerate(names)))
    wall = time.perf_counter() - started
    for client in clients:
        client.close()
    p50, p95, p99 = (1000 * _percentile(timings, s) for s in (0.5, 0.95, 0.99))
    print(
        f"{args.requests} single-name requests, {args.clients} clients: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {p99:.1f} ms, mean {1000 * statistics.mean(timings):.1f} ms, "
        f"{args.requests / wall:.0f} requests/s"
    )
    cli = _cli_six(store, env, _queries(rng, entries, 6), work)
    print(f"ctip screen of 6 names: {cli:.2f} s whole command")
    missed = [
        text
        for ok, text in (
            (p95 <= P95_TARGET_MS, f"p95 {p95:.0f} ms > {P95_TARGET_MS:.0f} ms"),
            (first <= FIRST_TARGET_S, f"first request {first:.1f} s > {FIRST_TARGET_S} s"),
            (cli <= CLI_TARGET_S, f"ctip screen {cli:.1f} s > {CLI_TARGET_S} s"),
        )
        if not ok
    ]
    for text in missed:
        print(f"MISSED: {text}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
