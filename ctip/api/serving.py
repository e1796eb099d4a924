"""Serving the API with one or several worker processes, each warm before it answers.

One Python process screens with one core at a time (the interpreter's lock), so on a
machine with two cores a single worker leaves half of it idle while eight clients queue.
Several uvicorn workers share the listening socket and the memory-mapped screening indexes
(the pages of a saved index are mapped once, by the kernel, for all of them); each keeps
its own copy of rigour's name data.

With one worker (the default) the server starts answering at once and warms in the
background: `GET /api/v1/health` says 503 "warming" until it is done. With several, each
worker warms before it listens (`ctip.api.workers`: a socket of its own on the port, so the
kernel spreads connections over the warm workers), and no request ever reaches a cold
worker. Where the system cannot share a port, uvicorn's own workers are used: they share
one socket and accept only once their app is built; uvicorn's supervisor is told to wait a
minute for a health check (see HEALTHCHECK_SECONDS).
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Final

from ctip.api.app import create_app
from ctip.api.workers import supervise
from ctip.config import Settings
from ctip.matching import warm
from ctip.model.errors import InvalidInput

WORKERS_PER_CORE: Final = 4
WARM_APP: Final = "ctip.api.workers:warm_app"
HEALTHCHECK_SECONDS: Final = 60
"""How long uvicorn's supervisor waits for a worker to answer its health check before it
restarts the worker. Its default (5 s) is shorter than rigour's name data holds a warming
worker's interpreter (up to 10 s, 30 on a busy machine), so workers were restarted forever;
much longer (it was 900 s) and a check left unanswered keeps the supervisor from reading
a SIGTERM for as long: it reads signals only between two checks (a server once outlived
its SIGTERM by more than a minute)."""


def most_workers() -> int:
    """The most workers worth starting: four per core this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return WORKERS_PER_CORE * max(1, cores or 1)


def check_workers(value: int | str | None) -> int:
    """A worker count from `--workers` or `CTIP_WORKERS`: 1 by default, else a whole number
    from 1 to four per core; anything else is refused with what is allowed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    top = most_workers()
    try:
        workers = int(value)
    except ValueError:
        raise InvalidInput(f"workers {value!r}: a whole number from 1 to {top}") from None
    if not 1 <= workers <= top:
        raise InvalidInput(
            f"workers {workers}: from 1 to {top} ({WORKERS_PER_CORE} per core on this machine)"
        )
    return workers


def workers_share_port() -> bool:
    """Whether several workers each listen on the port (`ctip.api.workers`), or share
    uvicorn's one socket (a system without SO_REUSEPORT)."""
    return hasattr(socket, "SO_REUSEPORT")


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Run the server: one worker warming in the background, or `workers` processes each
    warm before it answers. uvicorn is imported here, so `ctip --help` stays quick."""
    import uvicorn  # a third-party server only serving needs

    workers = check_workers(workers)
    if workers == 1:
        app = create_app(settings)
        warm.start_warming(app.state.database.session, freeze=True)  # health: 503 until warm
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
        return
    if workers_share_port():
        sys.exit(supervise(host, port, workers))
    uvicorn.run(
        WARM_APP,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        timeout_worker_healthcheck=HEALTHCHECK_SECONDS,
    )
