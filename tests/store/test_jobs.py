"""The job table and worker on both stores: a job's work and its end commit together, a
refusal fails the job with its rows, and a bug fails it without the traceback."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.store import jobs
from ctip.store.db import Database
from ctip.store.tables import FileImportRow


def _run(database: Database, work: jobs.Work) -> jobs.JobView:
    job = jobs.submit(database.session, "test.work", "tester", work, "a test job")
    assert job.state is jobs.JobState.QUEUED
    jobs.runner().wait(job.id, 60)
    with database.session() as session:
        return jobs.get_job(session, job.id)


def _file_rows(database: Database) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count()).select_from(FileImportRow)).scalar_one())


def _write_one(session: Session, progress: jobs.Progress) -> dict[str, Any]:
    session.add(
        FileImportRow(
            kind="test",
            scope="",
            file_name="x",
            content_sha256="0" * 64,
            counts="{}",
            imported_at="2026-01-01T00:00:00.000000Z",
            imported_by="tester",
        )
    )
    progress(1)
    return {"written": 1, "summary": "one row written"}


def test_a_done_job_has_committed_its_work(database: Database) -> None:
    job = _run(database, _write_one)
    assert job.state is jobs.JobState.DONE and job.ended
    assert job.result == {"written": 1, "summary": "one row written"}
    assert job.progress == 1 and job.actor == "tester" and job.finished_at
    assert _file_rows(database) == 1


def test_a_refused_file_fails_the_job_with_its_rows_and_writes_nothing(database: Database) -> None:
    def refuse(session: Session, progress: jobs.Progress) -> dict[str, Any]:
        _write_one(session, progress)
        raise FileRejected("bad.csv", [RowError(3, "no name"), RowError(7, "bad date")])

    job = _run(database, refuse)
    assert job.state is jobs.JobState.FAILED and job.error_code == "invalid_request"
    assert [r["row"] for r in job.rejects] == [3, 7] and job.total_rejects == 2
    assert "bad.csv" in job.message
    assert _file_rows(database) == 0, "the work rolled back with the failure"


def test_a_bug_fails_the_job_without_showing_the_error(database: Database) -> None:
    def broken(_session: Session, _progress: jobs.Progress) -> dict[str, Any]:
        raise RuntimeError("secret internals")

    job = _run(database, broken)
    assert job.state is jobs.JobState.FAILED and job.error_code == "internal"
    assert "secret" not in job.message and str(job.id) in job.message


def test_jobs_are_listed_newest_first_per_person(database: Database) -> None:
    first, second = _run(database, _write_one), _run(database, lambda s, p: {})
    with database.session() as session:
        assert [j.id for j in jobs.jobs_of(session, "tester")] == [second.id, first.id]
        assert jobs.jobs_of(session, "someone-else") == []
