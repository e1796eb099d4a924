"""Several warm worker processes taking turns at one listening socket.

The supervisor (the process `ctip serve --workers N` starts) binds the port once; each
worker accepts its connections from that socket itself, one at a time, and only while no
other listening worker holds fewer open connections (least connections, as a proxy's
`least_conn`). Clients keep their connections open, so where a connection lands decides
which worker answers it for its whole life.

Two other ways of sharing a port were measured and left:
- uvicorn's own workers share one socket, and the worker that wakes first accepts every
  connection waiting: eight clients that connect at once all land on one worker while the
  other idles (two workers served 156 requests/s on one busy core);
- a socket per worker with SO_REUSEPORT lets the kernel pick a worker by a hash of each
  connection's addresses, blind to load: eight clients split 4/4 gave p95 36 ms, split
  5/3 or worse up to 51 ms.

The supervisor also starts another worker when one ends unexpectedly (giving up when they
keep ending), and on SIGTERM or SIGINT asks each to finish the requests it holds, killing
any still running after STOP_SECONDS.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import socket
import threading
import time
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Barrier
from threading import BrokenBarrierError
from typing import Final

import uvicorn
from fastapi import FastAPI

from ctip.api.app import create_app
from ctip.matching import warm
from ctip.model.errors import InvalidInput

LOG = logging.getLogger("ctip.serve")
BACKLOG: Final = 2048  # connections the kernel queues on the port (uvicorn's default)
STOP_SECONDS: Final = 30  # how long a worker may take to finish its requests on SIGTERM
RESTARTS: Final = 5  # workers that may end unexpectedly within RESTART_WINDOW before giving up
RESTART_WINDOW: Final = 60.0
TOGETHER_SECONDS: Final = 900  # how long the first workers wait for each other to warm
TURN_POLL_SECONDS: Final = 0.005  # how often a worker holding more connections looks again
BEAT_SECONDS: Final = 0.1  # how often a worker says how many connections it holds
STALE_SECONDS: Final = 0.5
"""A worker that has not said how many connections it holds for this long is left out of
the turns: it has ended, or its event loop is held by something long. The others take
the connections meanwhile."""
STARTING_SECONDS: Final = 5.0  # how long a worker may take to start serving once it is warm


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def listening_socket(host: str, port: int) -> socket.socket:
    """The port's one listening socket, or InvalidInput saying why the port cannot be had.

    Made with its protocol named (IPPROTO_TCP, not 0): asyncio turns Nagle's algorithm off
    only on connections whose socket says TCP, and with it on every answer waited for the
    client's delayed acknowledgement (latencies in steps of 4 ms, half the throughput)."""
    listening = socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(BACKLOG)
    except OSError as error:
        listening.close()
        raise InvalidInput(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listening.setblocking(False)
    return listening


def warm_app() -> FastAPI:
    """The app of one worker, built and warmed (name data, every list's index) before it
    listens, so the worker takes its first connection warm."""
    app = create_app()
    warm_schema(app)
    warm.warm_up(app.state.database.session, freeze=True)
    return app


def warm_schema(app: FastAPI) -> None:
    """Build the app's OpenAPI schema now: the body-size limits read it on the first
    request, and building it held that worker's event loop for 1.6 s (its other
    connections waited, and it dropped out of the turns)."""
    app.openapi()


class Turns:
    """Each worker's open connections and when it last said so, by the worker's slot,
    in memory every worker shares."""

    def __init__(self, context: SpawnContext, workers: int) -> None:
        self.loads = context.Array("i", [0] * workers, lock=False)
        self.beats = context.Array("d", [0.0] * workers, lock=False)  # time.monotonic()

    def publish(self, slot: int, load: int) -> None:
        """Say that the worker in `slot` holds `load` connections, now."""
        self.loads[slot] = load
        self.beats[slot] = time.monotonic()

    def starting(self, slot: int) -> None:
        """Say that the worker in `slot` is warm and starting to serve: the others leave it
        the next connections (it holds none) for up to STARTING_SECONDS, until it takes
        them itself. Without this, a worker that takes a moment longer to start than
        another finds every client already connected to the other."""
        self.loads[slot] = 0
        self.beats[slot] = time.monotonic() + STARTING_SECONDS - STALE_SECONDS

    def leave(self, slot: int) -> None:
        """Leave the worker in `slot` out of the turns (it stops, or has ended)."""
        self.beats[slot] = 0.0

    def is_my_turn(self, slot: int, mine: int) -> bool:
        """Whether the worker in `slot`, holding `mine` open connections, accepts the next
        one: no other worker still taking turns holds fewer."""
        alive = time.monotonic() - STALE_SECONDS
        others = [
            load
            for number, (load, beat) in enumerate(zip(self.loads, self.beats, strict=True))
            if number != slot and beat > alive
        ]
        return not others or mine <= min(others)


class TurnTakingServer(uvicorn.Server):
    """uvicorn's server for one worker, accepting from the shared socket in its turn.

    uvicorn's startup is given no socket, so it only starts the app (its lifespan); the
    accept loop here hands each connection it accepts to uvicorn's HTTP protocol, which
    counts it among the server's connections, so uvicorn's shutdown finishes it as its own.
    """

    def __init__(
        self, config: uvicorn.Config, listening: socket.socket, turns: Turns, slot: int
    ) -> None:
        super().__init__(config)
        self.listening, self.turns, self.slot = listening, turns, slot
        listening.setblocking(False)  # the event loop waits for connections, not the socket
        self.tasks: list[asyncio.Task[None]] = []

    def _protocol(self) -> asyncio.Protocol:
        protocol: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config, server_state=self.server_state, app_state=self.lifespan.state
        )
        return protocol

    def _publish(self) -> int:
        """Tell the other workers how many connections this one holds; that count."""
        mine = len(self.server_state.connections)
        self.turns.publish(self.slot, mine)
        return mine

    async def _beat(self) -> None:
        while True:
            self._publish()
            await asyncio.sleep(BEAT_SECONDS)

    async def _my_turn(self) -> None:
        while not self.turns.is_my_turn(self.slot, self._publish()) and not self.should_exit:
            await asyncio.sleep(TURN_POLL_SECONDS)

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.should_exit:
            await self._my_turn()
            try:
                connection, _ = await loop.sock_accept(self.listening)
            except OSError as error:  # out of file descriptors, a client gone at once
                LOG.warning("accepting a connection failed: %s", error)
                await asyncio.sleep(0.1)
                continue
            try:
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                await loop.connect_accepted_socket(self._protocol, connection)
            except OSError as error:  # the client left before it was served
                LOG.info("a connection ended as it was accepted: %s", error)
                connection.close()
            self._publish()

    def accepting_ended(self, accepting: asyncio.Task[None]) -> None:
        """A worker whose accept loop failed can take no connection, yet would still say it
        holds few and be waited for: it leaves the turns and stops, and the supervisor
        starts another."""
        if accepting.cancelled() or accepting.exception() is None:
            return
        LOG.error("worker stopped taking connections: %r", accepting.exception())
        self.turns.leave(self.slot)
        for task in self.tasks:
            task.cancel()
        self.should_exit = True

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        if self.started:
            accepting = asyncio.create_task(self._accept())
            accepting.add_done_callback(self.accepting_ended)
            self.tasks = [asyncio.create_task(self._beat()), accepting]

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for task in self.tasks:
            task.cancel()
        self.turns.leave(self.slot)
        self.listening.close()  # this worker's copy: the others keep accepting
        await super().shutdown(sockets)


def run_worker(
    listening: socket.socket, turns: Turns, slot: int, together: Barrier | None = None
) -> None:
    """One worker: build and warm the app, only then take connections, and serve until
    SIGTERM.

    The first workers wait for each other (`together`) so that they start taking
    connections at once: a client that connects as soon as the server answers would
    otherwise find one warm worker and keep all its connections there. A worker that
    started in place of one that ended takes connections as soon as it is warm."""
    app = warm_app()
    if together is not None:
        try:
            together.wait(TOGETHER_SECONDS)
        except BrokenBarrierError:  # another worker ended or is slow to warm: serve without it
            LOG.warning("not every worker warmed within %d s: listening anyway", TOGETHER_SECONDS)
    turns.starting(slot)
    config = uvicorn.Config(app, log_level="info", access_log=False)
    TurnTakingServer(config, listening, turns, slot).run()


class Supervisor:
    """The worker processes of one `ctip serve --workers N`."""

    def __init__(self, listening: socket.socket, workers: int) -> None:
        self.listening = listening
        self._context = multiprocessing.get_context("spawn")
        self._count = workers
        self._together = self._context.Barrier(workers)
        self.turns = Turns(self._context, workers)
        self._workers: list[BaseProcess] = []
        self._ended: list[float] = []
        self._stop = threading.Event()

    def _start(self, slot: int, together: Barrier | None = None) -> BaseProcess:
        worker = self._context.Process(
            target=run_worker,
            args=(self.listening, self.turns, slot, together),
            name=f"ctip-worker-{slot}",
        )
        worker.start()
        return worker

    def stop(self, *_: object) -> None:
        """Ask the supervisor to stop (its SIGTERM and SIGINT handler)."""
        self._stop.set()

    def run(self) -> int:
        """Start the workers and keep them running until asked to stop; 0, or 1 when they
        kept ending."""
        self._workers = [self._start(slot, self._together) for slot in range(self._count)]
        host, port = self.listening.getsockname()[:2]
        LOG.info("%d workers on %s:%d", self._count, host, port)
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
        for slot, worker in enumerate(self._workers):
            if worker.is_alive():
                continue
            LOG.warning("worker %s ended (exit %s): starting another", worker.pid, worker.exitcode)
            self.turns.leave(slot)
            self._together.abort()  # the others waiting for it to warm listen now
            self._ended = [t for t in self._ended if now - t < RESTART_WINDOW] + [now]
            if len(self._ended) >= RESTARTS:
                return False
            self._workers[slot] = self._start(slot)
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
    with listening_socket(host, port) as listening:
        supervisor = Supervisor(listening, workers)
        for stopping in (signal.SIGTERM, signal.SIGINT):  # before any worker starts
            signal.signal(stopping, supervisor.stop)
        return supervisor.run()
