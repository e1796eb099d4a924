"""`ctip serve --workers 2` for real: two warm worker processes on one SQLite store answer
concurrent screenings (each audited, none refused as busy), and SIGTERM stops the server and
its workers well within a minute; the workers' sockets share the port and its connections."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select

from ctip.api import workers
from ctip.model.errors import InvalidInput
from ctip.store.db import Database
from ctip.store.tables import AuditEvent

PASSWORD = "workers-test-password-2026"
LISTED = ("Xinjiang Huafu Textile Co Ltd", "Hoshine Silicon Industry", "Aksu Huafu Textiles")
CONCURRENT_CLIENTS = 8
REQUESTS = 40


def _ctip(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ctip.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server ended before it answered"
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server never answered health 200")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def store(tmp_path: Path) -> dict[str, str]:
    """A SQLite store holding a three-entry list and an analyst who may screen."""
    listed = tmp_path / "listed.csv"
    rows = [f"e{number},{name},Company" for number, name in enumerate(LISTED)]
    listed.write_text("id,name,schema\n" + "\n".join(rows) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "CTIP_DATABASE_URL": f"sqlite:///{tmp_path / 'ctip.sqlite3'}",
        "CTIP_ENV": "development",
        "CTIP_INDEX_DIR": str(tmp_path / "indexes"),
        "CTIP_NEW_PASSWORD": PASSWORD,
    }
    _ctip(env, "lists", "load", str(listed), "--name", "watch")
    _ctip(env, "users", "add", "analyst", "--role", "intel_analyst")
    return env


@pytest.fixture
def server(store: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`ctip serve --workers 2` in its own process group, killed whole if a test leaves it."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ctip.cli", "serve", "--port", str(port), "--workers", "2"],
        env=store,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_two_workers_screen_concurrently_and_stop_on_sigterm(
    store: dict[str, str], server: tuple[str, subprocess.Popen[bytes]]
) -> None:
    base, process = server
    _wait_healthy(base, process)
    token = httpx.post(
        f"{base}/api/v1/auth/token", json={"username": "analyst", "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def screen(number: int) -> tuple[int, list[str]]:
        name = LISTED[number % len(LISTED)]
        body = {"list": "WATCH", "queries": [{"id": f"q{number}", "name": name}]}
        answer = httpx.post(f"{base}/api/v1/screen", json=body, headers=headers, timeout=60)
        hits = answer.json().get("hits", []) if answer.status_code == 200 else []
        return answer.status_code, [hit["listed_name"] for hit in hits if hit["match"]]

    with ThreadPoolExecutor(CONCURRENT_CLIENTS) as pool:
        answers = list(pool.map(screen, range(REQUESTS)))

    assert [status for status, _ in answers] == [200] * REQUESTS
    assert all(LISTED[n % len(LISTED)] in found for n, (_, found) in enumerate(answers))
    database = Database(store["CTIP_DATABASE_URL"])
    with database.session() as session:
        runs = select(func.count()).where(AuditEvent.action == "screen.run")
        assert session.scalar(runs) == REQUESTS
    database.dispose()
    _ctip(store, "audit", "verify", "--full")  # exit 1 if the chain written is broken

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    while _group_alive(process.pid) and time.monotonic() - started < 60:
        time.sleep(0.2)
    assert not _group_alive(process.pid), "a worker outlived its server"
    assert time.monotonic() - started < 30


def test_a_port_another_program_listens_on_is_refused_with_the_reason() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(InvalidInput, match=f"cannot listen on 127.0.0.1:{port}"):
            workers.listening_socket("127.0.0.1", port)
    workers.listening_socket("127.0.0.1", port).close()  # free again once it is closed


def test_the_worker_holding_fewest_connections_takes_the_next() -> None:
    turns = workers.Turns(multiprocessing.get_context("spawn"), 3)
    turns.publish(0, 4)
    turns.publish(1, 3)
    turns.publish(2, 3)
    assert not turns.is_my_turn(0, 4)
    assert turns.is_my_turn(1, 3) and turns.is_my_turn(2, 3)  # equals both take turns
    turns.leave(1)
    turns.leave(2)
    assert turns.is_my_turn(0, 4)  # the others stopped: nobody to wait for


def test_a_worker_silent_too_long_is_left_out_of_the_turns() -> None:
    turns = workers.Turns(multiprocessing.get_context("spawn"), 2)
    turns.publish(0, 5)
    turns.publish(1, 0)
    assert not turns.is_my_turn(0, 5)
    turns.beats[1] = time.monotonic() - workers.STALE_SECONDS - 0.1  # its last word, long ago
    assert turns.is_my_turn(0, 5)  # worker 1 is hung or gone: 0 takes the next


def test_connections_are_spread_evenly_and_survive_a_killed_worker(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = server
    _wait_healthy(base, process)
    port = int(base.rsplit(":", 1)[1])
    first = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
    held = _connections_by_worker(process.pid, port, expected=8)
    assert sorted(held.values()) == [4, 4]  # not by the kernel's hash: by who holds fewest

    killed = next(iter(held))
    os.kill(killed, signal.SIGKILL)
    answers = [httpx.get(f"{base}/api/v1/health", timeout=10).status_code for _ in range(6)]
    assert answers == [200] * 6  # the worker left answers every new connection meanwhile
    for connection in first:
        connection.close()


def _connections_by_worker(server: int, port: int, expected: int) -> dict[int, int]:
    """How many of the port's established connections each of the server's workers holds,
    read from /proc once `expected` connections are held."""
    deadline = time.monotonic() + 10
    while True:
        held = {worker: len(_sockets(worker) & _established(port)) for worker in _children(server)}
        if sum(held.values()) >= expected or time.monotonic() > deadline:
            return held
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(child) for child in (task / "children").read_text().split())
    return [
        child for child in found if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def _sockets(pid: int) -> set[str]:
    inodes = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _established(port: int) -> set[str]:
    """The inodes of the established TCP connections whose local port is `port`."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            inodes.add(fields[9])
    return inodes


def test_a_worker_whose_accept_loop_failed_leaves_the_turns_and_stops() -> None:
    turns = workers.Turns(multiprocessing.get_context("spawn"), 2)
    with socket.socket() as listening:
        server = workers.TurnTakingServer(uvicorn.Config(FastAPI()), listening, turns, 0)

        async def broken() -> None:
            raise RuntimeError("the accept loop broke")

        async def fail_once() -> None:
            beating = asyncio.create_task(asyncio.sleep(60))
            accepting = asyncio.create_task(broken())
            server.tasks = [beating, accepting]
            turns.publish(0, 0)
            await asyncio.gather(accepting, return_exceptions=True)
            server.accepting_ended(accepting)
            await asyncio.sleep(0)
            assert beating.cancelled()

        asyncio.run(fail_once())
    assert server.should_exit
    assert turns.is_my_turn(1, 99)  # worker 0 no longer counts: the other takes every connection
