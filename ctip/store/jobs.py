"""Long work off the request path: a job table and a small in-process worker.

An upload used to be parsed and written inside its request: a 7 MB entity import held the
server for 10 s, and `GET /health` took 9.2 s meanwhile. Now a route hands the work to
`submit` and answers 202 with the job at once; a worker thread runs it in its own transaction
and the job's row says how it went (queued, running, done or failed, with progress, the
result, the first rejected rows and the message). The API (`GET /api/v1/jobs/{id}`) and the
workbench's job page read that row.

The API is small on purpose, so any area can move its long work here:

    job = jobs.submit(database.session, "lists.load", actor, lambda session, progress: {...})

`work(session, progress)` runs inside one transaction (committed when it returns, rolled back
when it raises) and returns the result as a JSON object; it calls `progress(n)` as it goes.
A `CtipError` (a rejected file...) fails the job with its message and its rows as the reject
report; anything else fails it as an internal error, logged with the job's id.

Progress is kept in memory while a job runs and stored when it ends: on SQLite a job's write
transaction holds the one write lock, so the worker cannot also write progress rows. The job
row is committed before `submit` returns, so the 202 names a job that exists; the work itself
(the uploaded bytes) lives in this process, and a job whose process ended before it finished
is marked `interrupted` at the next start (`interrupt_orphans`): its file must be sent again.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ctip.model.errors import CtipError, NotFound
from ctip.store.db import utc_now
from ctip.store.tables import TIMESTAMP, Base

log = logging.getLogger(__name__)

WORKERS = 1
"""Jobs run one at a time: on SQLite they would queue for the one write lock anyway, and a
second CPU-bound import would slow every request of a 2-core server."""
MAX_REJECTS = 100
"""Rejected rows kept with a failed job (the message still gives the total)."""
MAX_MESSAGE = 2000

Progress = Callable[[int], None]
Work = Callable[[Session, Progress], Mapping[str, Any]]
"""(session, progress) -> the result as a JSON object; runs in one transaction."""
SessionFactory = Callable[[], AbstractContextManager[Session]]
"""`Database.session`: a context manager giving one committed-or-rolled-back transaction."""


class JobState(StrEnum):
    """Where a job is: waiting, running, or ended one of three ways."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def ended(self) -> bool:
        """Whether the job will not change any more."""
        return self in (JobState.DONE, JobState.FAILED, JobState.INTERRUPTED)


class JobRow(Base):
    """One piece of long work: what, for whom, where it is, and how it ended."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(50))
    state: Mapped[str] = mapped_column(String(20), index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    label: Mapped[str] = mapped_column(String(500))
    worker: Mapped[str] = mapped_column(String(200))
    """host:pid of the process that runs it (to find jobs whose process ended)."""
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    started_at: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)
    finished_at: Mapped[str | None] = mapped_column(TIMESTAMP, nullable=True)
    progress: Mapped[int] = mapped_column(Integer, server_default="0")
    result: Mapped[str] = mapped_column(Text, server_default="{}")
    rejects: Mapped[str] = mapped_column(Text, server_default="[]")
    total_rejects: Mapped[int] = mapped_column(Integer, server_default="0")
    error_code: Mapped[str] = mapped_column(String(50), server_default="")
    """The code an API error body would carry ("invalid_request", "store_busy"...)."""
    message: Mapped[str] = mapped_column(Text, server_default="")


@dataclass(frozen=True)
class JobView:
    """A job as the API and the job page show it."""

    id: int
    kind: str
    state: JobState
    actor: str
    label: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress: int
    result: dict[str, Any]
    rejects: list[dict[str, Any]]
    total_rejects: int
    error_code: str
    message: str

    @property
    def ended(self) -> bool:
        """Whether the job will not change any more."""
        return self.state.ended


PROCESS_TOKEN = secrets.token_hex(8)
"""Tells this process from an earlier one that had the same pid (a restarted container)."""


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_TOKEN}"[:200]


class JobRunner:
    """The worker threads of this process and the live progress of the jobs they run."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ctip-job")
        self._futures: dict[int, Future[None]] = {}
        self._progress: dict[int, int] = {}
        self._lock = threading.Lock()

    def submit(
        self, sessions: SessionFactory, kind: str, actor: str, work: Work, label: str = ""
    ) -> JobView:
        """Record a queued job (committed before this returns) and start it when a worker is
        free; returns the job as recorded."""
        with sessions() as session:
            row = JobRow(
                kind=kind[:50],
                state=JobState.QUEUED.value,
                actor=actor[:100],
                label=label[:500],
                worker=_this_worker(),
                created_at=utc_now(),
                progress=0,
                result="{}",
                rejects="[]",
                total_rejects=0,
                error_code="",
                message="",
            )
            session.add(row)
            session.flush()
            job = _view(row)
        with self._lock:
            self._progress[job.id] = 0
            self._futures[job.id] = self._pool.submit(self._run, sessions, job.id, work)
        return job

    def live_progress(self, job_id: int) -> int | None:
        """The progress of a job running in this process, or None."""
        with self._lock:
            return self._progress.get(job_id)

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        """Block until a job of this process has ended (tests, the CLI)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def _advance(self, job_id: int, rows: int) -> None:
        with self._lock:
            self._progress[job_id] = self._progress.get(job_id, 0) + rows

    def _run(self, sessions: SessionFactory, job_id: int, work: Work) -> None:
        try:
            _set_state(sessions, job_id, JobState.RUNNING, started_at=utc_now())
            self._work(sessions, job_id, work)
        except CtipError as error:
            self._fail(sessions, job_id, error.code, error.message, error.details, error)
        except Exception as error:
            log.exception("job %s failed", job_id)
            message = f"internal error in job {job_id}; the operator's log names it"
            self._fail(sessions, job_id, "internal", message, [], error)
        finally:
            with self._lock:
                self._progress.pop(job_id, None)
                self._futures.pop(job_id, None)

    def _work(self, sessions: SessionFactory, job_id: int, work: Work) -> None:
        """The work and the job's end in one transaction: done means the work committed."""
        with sessions() as session, cyclic_collection_paused():
            result = dict(work(session, lambda rows: self._advance(job_id, rows)))
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(
                    state=JobState.DONE.value,
                    finished_at=utc_now(),
                    progress=self.live_progress(job_id) or 0,
                    result=json.dumps(result, default=str, sort_keys=True),
                )
            )

    def _fail(
        self,
        sessions: SessionFactory,
        job_id: int,
        code: str,
        message: str,
        details: list[Any],
        error: BaseException,
    ) -> None:
        rows = [d for d in details if isinstance(d, dict)][:MAX_REJECTS]
        total = int(getattr(error, "total_errors", 0) or 0) or len(rows)
        try:
            _set_state(
                sessions,
                job_id,
                JobState.FAILED,
                finished_at=utc_now(),
                error_code=code[:50],
                message=message[:MAX_MESSAGE],
                rejects=json.dumps(rows, default=str),
                total_rejects=total,
            )
        except Exception:
            log.exception("job %s: could not record its failure", job_id)

    def shutdown(self) -> None:
        """Let running jobs finish; start no new ones."""
        self._pool.shutdown(wait=True)


@contextmanager
def cyclic_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a job builds its rows.

    An import makes about a million objects; each time they grow by a quarter the collector
    walks all of them with every thread stopped (measured: seven pauses of 70-500 ms while a
    20,000-entity file was parsed, so `/health` waited up to 1 s). Reference counting still
    frees what the job drops; the collector resumes when the job ends. Jobs run one at a
    time, so one job never re-enables it under another.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _set_state(sessions: SessionFactory, job_id: int, state: JobState, **values: Any) -> None:
    with sessions() as session:
        query = update(JobRow).where(JobRow.id == job_id).values(state=state.value, **values)
        session.execute(query)


def _view(row: JobRow, live: int | None = None) -> JobView:
    return JobView(
        id=row.id,
        kind=row.kind,
        state=JobState(row.state),
        actor=row.actor,
        label=row.label,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        progress=live if live is not None else row.progress,
        result=json.loads(row.result or "{}"),
        rejects=json.loads(row.rejects or "[]"),
        total_rejects=row.total_rejects,
        error_code=row.error_code,
        message=row.message,
    )


_runner: JobRunner | None = None
_runner_lock = threading.Lock()


def runner() -> JobRunner:
    """This process's job runner, started on first use."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = JobRunner()
        return _runner


def submit(sessions: SessionFactory, kind: str, actor: str, work: Work, label: str = "") -> JobView:
    """Queue `work` as a job of `kind` for `actor` on this process's runner (see the module
    docstring); the job's row is committed when this returns."""
    return runner().submit(sessions, kind, actor, work, label)


def get_job(session: Session, job_id: int) -> JobView:
    """A job with its live progress when it runs in this process; NotFound otherwise."""
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFound(f"no job {job_id}")
    live = runner().live_progress(job_id) if row.state == JobState.RUNNING else None
    return _view(row, live)


def jobs_of(session: Session, actor: str | None, limit: int = 50) -> list[JobView]:
    """The newest jobs of one person (all people's with `actor` None)."""
    query = select(JobRow).order_by(JobRow.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(JobRow.actor == actor)
    return [_view(row) for row in session.execute(query).scalars()]


def interrupt_orphans(session: Session) -> int:
    """Mark as interrupted the unfinished jobs of processes on this host that have ended
    (a restart, a crash): their work lived in memory and will never finish."""
    host = socket.gethostname()
    unfinished = (JobState.QUEUED.value, JobState.RUNNING.value)
    rows = session.execute(select(JobRow).where(JobRow.state.in_(unfinished))).scalars()
    orphans = [row for row in rows if _ended_here(row.worker, host)]
    for row in orphans:
        row.state = JobState.INTERRUPTED.value
        row.finished_at = utc_now()
        row.message = "the server stopped before this job finished; nothing of it was written"
    return len(orphans)


def _ended_here(worker: str, host: str) -> bool:
    """Whether `worker` (host:pid:token) was a process on this host that no longer runs."""
    name, pid, token = [*worker.split(":"), "", ""][:3]
    if name != host or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return token != PROCESS_TOKEN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
