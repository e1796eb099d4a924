"""Long work off the request path (issue 10, item 3).

An entity import used to run inside its `async def` route: during a 7 MB import (10 s)
`GET /api/v1/health` took 9.2 s. Now the route answers 202 with a job at once and a worker
thread imports; the server keeps answering meanwhile, and sign-ins (which write) queue for
the store instead of failing.
"""

from __future__ import annotations

import statistics
import time

from fastapi.testclient import TestClient

from ctip.api.app import API_PREFIX
from ctip.model.roles import Role
from ctip.store import jobs
from tests.api.jobs import finished_job
from tests.conftest import TEST_PASSWORD, TokenFor
from tests.store.synthetic import people_file

IMPORT = f"{API_PREFIX}/entities/import"
LARGE_FILE_PEOPLE = 20_000  # about 5.4 MB of FtM lines, 140,000 statements
HEALTH_MEDIAN_BOUND_SECONDS = 0.1
"""The issue's 100 ms, for the typical call."""
HEALTH_WORST_BOUND_SECONDS = 1.0
"""Generous for the worst call: a 2-core test machine shared with other work (load average
near 8 when measured: median 30 ms, worst 220-310 ms). Before, the worst was the import."""


SIGN_IN = {"username": "investigator", "password": TEST_PASSWORD}


def _during_the_job(
    client: TestClient, job_id: int
) -> tuple[list[float], list[int], list[tuple[int, float]]]:
    """`GET /health` timings and the job's progress readings while the job runs, and the
    status of a sign-in (which writes) made while the job writes (holding SQLite's lock)."""
    timings, progress, sign_ins = [], [], []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = client.get(f"{API_PREFIX}/health")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        live = jobs.runner().live_progress(job_id)
        if live is None:
            break
        progress.append(live)
        if live > 0 and not sign_ins:
            began = time.perf_counter()
            status = client.post(f"{API_PREFIX}/auth/token", json=SIGN_IN).status_code
            sign_ins.append((status, time.perf_counter() - began))
        time.sleep(0.05)
    return timings, progress, sign_ins


def test_health_answers_quickly_while_a_large_import_runs(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.ADMIN)
    data = people_file(LARGE_FILE_PEOPLE, "load")
    started = time.perf_counter()
    accepted = client.post(IMPORT, params={"source": "load"}, content=data, headers=headers)
    answered = time.perf_counter() - started
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["state"] in ("queued", "running")
    job_id = accepted.json()["id"]

    timings, progress, sign_ins = _during_the_job(client, job_id)
    job = finished_job(client, headers, accepted)

    worst, median = max(timings), statistics.median(timings)
    print(
        f"\n{len(data) / 1e6:.1f} MB import: 202 in {answered * 1000:.0f} ms; "
        f"{len(timings)} health calls during the job: median {median * 1000:.1f} ms, "
        f"worst {worst * 1000:.1f} ms (call {timings.index(worst) + 1}, "
        f"{progress[min(timings.index(worst), len(progress) - 1)]} statements written); "
        f"sign-in while writing: {sign_ins[0][1] * 1000:.0f} ms; job {job['state']} after "
        f"{job['progress']} statements"
    )
    assert answered < 5, "the 202 must not wait for the import"
    assert median < HEALTH_MEDIAN_BOUND_SECONDS
    assert worst < HEALTH_WORST_BOUND_SECONDS
    assert [status for status, _ in sign_ins] == [200], "a sign-in while the import writes"
    assert job["state"] == "done", job
    assert job["result"]["entities"] == LARGE_FILE_PEOPLE
    assert job["progress"] == job["result"]["statements_new"] > 0
    assert any(0 < seen < job["progress"] for seen in progress), "progress was never shown"
    found = client.get(
        f"{API_PREFIX}/entities/search", params={"q": "Number19999 Load"}, headers=headers
    )
    assert [e["id"] for e in found.json()["results"]] == ["load-person-19999"]


def test_a_refused_file_fails_its_job_with_each_bad_line(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.ADMIN)
    bad = people_file(3, "bad") + b'{"id": "x", "schema": "Person", "properties": {\n'
    accepted = client.post(IMPORT, params={"source": "bad"}, content=bad, headers=headers)
    job = finished_job(client, headers, accepted)
    assert job["state"] == "failed"
    assert job["error_code"] == "invalid_request"
    assert [r["row"] for r in job["rejects"]] == [4]
    assert job["total_rejects"] == 1
    assert "nothing was imported" in job["message"]


def test_a_job_is_seen_by_its_owner_and_oversight_only(
    client: TestClient, role_headers: TokenFor
) -> None:
    owner = role_headers(Role.INVESTIGATOR)
    line = people_file(1, "own")
    accepted = client.post(IMPORT, params={"source": "own"}, content=line, headers=owner)
    job = finished_job(client, owner, accepted)
    assert job["actor"] == "investigator" and job["kind"] == "entities.import"
    location = accepted.headers["Location"]
    assert client.get(location, headers=role_headers(Role.SUPERVISOR)).status_code == 200
    other = client.get(location, headers=role_headers(Role.TRADE_ANALYST))
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    mine = client.get(f"{API_PREFIX}/jobs", headers=owner).json()
    assert [j["id"] for j in mine] == [job["id"]]
    assert client.get(f"{API_PREFIX}/jobs", headers=role_headers(Role.TRADE_ANALYST)).json() == []


def test_a_job_of_an_ended_process_is_marked_interrupted(client: TestClient) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        row = jobs.JobRow(
            kind="entities.import",
            state="running",
            actor="someone",
            label="lost.ijson",
            worker=f"{jobs.socket.gethostname()}:{2**22 + 1}:gone",
            created_at="2026-01-01T00:00:00.000000Z",
        )
        session.add(row)
        session.flush()
        job_id = row.id
    with database.session() as session:
        assert jobs.interrupt_orphans(session) == 1
    with database.session() as session:
        job = jobs.get_job(session, job_id)
    assert job.state is jobs.JobState.INTERRUPTED and "stopped" in job.message
