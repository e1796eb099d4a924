"""Serving the API with one or several worker processes, each warm before it answers.

One Python process screens with one core at a time (the interpreter's lock), so on a
machine with two cores a single worker leaves half of it idle while eight clients queue.
Several uvicorn workers share the listening socket and the memory-mapped screening indexes
(the pages of a saved index are mapped once, by the kernel, for all of them); each keeps
its own copy of rigour's name data.

With one worker (the default) the server starts answering at once and warms in the
background: `GET /api/v1/health` says 503 "warming" until it is done. With several, each
worker warms before it takes connections (`ctip.api.workers`: the workers take turns at one
listening socket, the one holding fewest connections accepting the next), and no request
ever reaches a cold worker.
"""

from __future__ import annotations

import os
import sys
from typing import Final

import uvicorn

from ctip.api.app import create_app
from ctip.api.workers import supervise, warm_schema
from ctip.config import Settings
from ctip.matching import warm
from ctip.model.errors import InvalidInput

WORKERS_PER_CORE: Final = 4


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


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Run the server: one worker warming in the background, or `workers` processes each
    warm before it answers."""
    workers = check_workers(workers)
    if workers == 1:
        app = create_app(settings)
        warm.add_preload(lambda _sessions: warm_schema(app))
        warm.start_warming(app.state.database.session, freeze=True)  # health: 503 until warm
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
        return
    sys.exit(supervise(host, port, workers))
