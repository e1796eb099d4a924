"""Several warm worker processes, each listening on the port with its own socket.

uvicorn's own workers share one listening socket, and whichever worker wakes first accepts
every connection waiting: eight clients that connect at once all land on one worker while
the other idles (measured: two workers served 156 requests/s on one busy core; two
processes with a socket each, 342). Here each worker binds its own socket with
SO_REUSEPORT once it is warm, and the kernel spreads new connections over the workers that
listen, so no connection waits for a cold worker and none is held by a busy one while
another is free.

The supervisor (the process `ctip serve --workers N` starts) makes sure the port is free,
starts the workers, starts another when one ends unexpectedly (giving up when they keep
ending), and on SIGTERM or SIGINT asks each to finish the requests it holds, killing any
still running after STOP_SECONDS.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Barrier
from threading import BrokenBarrierError
from typing import Final

from fastapi import FastAPI

from ctip.api.app import create_app
from ctip.matching import warm
from ctip.model.errors import InvalidInput

LOG = logging.getLogger("ctip.serve")
BACKLOG: Final = 2048  # connections the kernel queues for a worker (uvicorn's default)
STOP_SECONDS: Final = 30  # how long a worker may take to finish its requests on SIGTERM
RESTARTS: Final = 5  # workers that may end unexpectedly within RESTART_WINDOW before giving up
RESTART_WINDOW: Final = 60.0
TOGETHER_SECONDS: Final = 900  # how long the first workers wait for each other to warm


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on: sockets that share a port must all ask to,
    so a plain bind finds one already taken (by a ctip server too)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise InvalidInput(f"cannot listen on {host}:{port}: {error.strerror}") from None


def shared_socket(host: str, port: int) -> socket.socket:
    """A listening socket on the port that other workers' sockets share.

    Made with its protocol named (IPPROTO_TCP, not 0): asyncio turns Nagle's algorithm off
    only on connections whose socket says TCP, and with it on every answer waited for the
    client's delayed acknowledgement (latencies in steps of 4 ms, half the throughput)."""
    listening = socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listening.bind((host, port))
    listening.listen(BACKLOG)
    return listening


def warm_app() -> FastAPI:
    """The app of one worker, built and warmed (name data, every list's index) before it
    listens, so the worker takes its first connection warm."""
    app = create_app()
    warm.warm_up(app.state.database.session, freeze=True)
    return app


def run_worker(host: str, port: int, together: Barrier | None = None) -> None:
    """One worker: build and warm the app, only then listen, and serve until SIGTERM.

    The first workers wait for each other (`together`) so that they start listening at
    once: a client that connects as soon as the server answers would otherwise find one
    warm worker listening and keep all its connections there. A worker that started in
    place of one that ended listens as soon as it is warm."""
    import uvicorn  # a third-party server only serving needs

    app = warm_app()
    if together is not None:
        try:
            together.wait(TOGETHER_SECONDS)
        except BrokenBarrierError:  # another worker ended or is slow to warm: serve without it
            LOG.warning("not every worker warmed within %d s: listening anyway", TOGETHER_SECONDS)
    config = uvicorn.Config(app, log_level="info", access_log=False)
    uvicorn.Server(config).run(sockets=[shared_socket(host, port)])


class Supervisor:
    """The worker processes of one `ctip serve --workers N`."""

    def __init__(self, host: str, port: int, workers: int) -> None:
        self.host, self.port = host, port
        self._context = multiprocessing.get_context("spawn")
        self._count = workers
        self._together = self._context.Barrier(workers)
        self._workers: list[BaseProcess] = []
        self._ended: list[float] = []
        self._stop = threading.Event()

    def _start(self, together: Barrier | None = None) -> BaseProcess:
        worker = self._context.Process(
            target=run_worker, args=(self.host, self.port, together), name="ctip-worker"
        )
        worker.start()
        return worker

    def stop(self, *_: object) -> None:
        """Ask the supervisor to stop (its SIGTERM and SIGINT handler)."""
        self._stop.set()

    def run(self) -> int:
        """Start the workers and keep them running until asked to stop; 0, or 1 when they
        kept ending."""
        self._workers = [self._start(self._together) for _ in range(self._count)]
        LOG.info("%d workers on %s:%d", self._count, self.host, self.port)
        status = 0
        while not self._stop.wait(0.5):
            if not self._replace_ended():
                LOG.error(
                    "workers keep ending (%d within %.0f s): stopping", RESTARTS, RESTART_WINDOW
                )
                status = 1
                break
        self._stop_workers()
        return status

    def _replace_ended(self) -> bool:
        """Start a worker in place of each that ended; False when too many ended lately."""
        now = time.monotonic()
        for number, worker in enumerate(self._workers):
            if worker.is_alive():
                continue
            LOG.warning("worker %s ended (exit %s): starting another", worker.pid, worker.exitcode)
            self._together.abort()  # the others waiting for it to warm listen now
            self._ended = [t for t in self._ended if now - t < RESTART_WINDOW] + [now]
            if len(self._ended) >= RESTARTS:
                return False
            self._workers[number] = self._start()
        return True

    def _stop_workers(self) -> None:
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn finishes the requests in hand
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                LOG.warning("worker %s still running after %d s: killed", worker.pid, STOP_SECONDS)
                worker.kill()
                worker.join()


def supervise(host: str, port: int, workers: int) -> int:
    """Run `workers` warm workers on host:port until SIGTERM or SIGINT; the exit status."""
    check_port_free(host, port)
    supervisor = Supervisor(host, port, workers)
    for stopping in (signal.SIGTERM, signal.SIGINT):  # before any worker starts
        signal.signal(stopping, supervisor.stop)
    return supervisor.run()
