"""Limits on password guessing that hold under parallel attempts and cannot be turned on a user.

Two limits, in this order:

- **per client** (in memory, by client address): a client that keeps failing is refused for a
  while whatever username it tries, so one outsider cannot keep re-locking someone's account;
- **per username** (in the store): a try is *reserved* in one atomic statement before the
  password is checked, so 40 parallel guesses get exactly `MAX_TRIES` checks, never more.
  After that the username is refused for `LOCK` only (a short delay that expires, not a lock an
  outsider can hold forever).

The counter commits in its own short transaction, so parallel requests see each other's tries
at once and a failed request cannot roll its try back.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ctip.store.tables import SignInThrottle

MAX_TRIES = 5
"""Password checks a username gets within `WINDOW` before it is locked for `LOCK`."""
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=5)

CLIENT_MAX_FAILURES = 20
"""Failed sign-ins one client address may have within `CLIENT_WINDOW_SECONDS`."""
CLIENT_WINDOW_SECONDS = 600.0
_CLIENTS_KEPT = 10_000
"""Past this many client addresses, quiet ones are forgotten (memory stays bounded)."""


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@contextmanager
def _own_transaction(session: Session) -> Iterator[Session]:
    """A short transaction beside the request's, committed at once."""
    with Session(bind=session.get_bind()) as counter, counter.begin():
        yield counter


def _ensure_row(counter: Session, username: str, now: str) -> None:
    values = {"username": username, "tries": 0, "window_started_at": now, "refused": 0}
    dialect = counter.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    counter.execute(module.insert(SignInThrottle).values(**values).on_conflict_do_nothing())


def reserve_try(session: Session, username: str) -> bool:
    """Take one of the username's tries before checking a password; False when none is left.

    One UPDATE ... RETURNING decides it (a row lock on PostgreSQL, the single writer on
    SQLite): a fresh window (the last one passed, or the lock expired) starts again at 1.
    """
    now = datetime.now(UTC)
    stamp, cutoff = _stamp(now), _stamp(now - WINDOW)
    row = SignInThrottle
    fresh = or_(
        and_(row.locked_until.is_(None), row.window_started_at < cutoff),
        and_(row.locked_until.is_not(None), row.locked_until <= stamp),
    )
    with _own_transaction(session) as counter:
        _ensure_row(counter, username, stamp)
        taken = counter.execute(
            update(row)
            .where(row.username == username, or_(fresh, row.tries < MAX_TRIES))
            .values(
                tries=case((fresh, 1), else_=row.tries + 1),
                window_started_at=case((fresh, stamp), else_=row.window_started_at),
                locked_until=case((fresh, None), else_=row.locked_until),
            )
            .returning(row.tries)
        ).first()
        if taken is None:
            counter.execute(
                update(row).where(row.username == username).values(refused=row.refused + 1)
            )
    return taken is not None


def lock_if_spent(session: Session, username: str) -> bool:
    """After a failed try: start the lock if the tries are spent; True only for the one
    failure that starts it (so the lock is audited once, not once per refusal)."""
    until = _stamp(datetime.now(UTC) + LOCK)
    row = SignInThrottle
    with _own_transaction(session) as counter:
        started = counter.execute(
            update(row)
            .where(row.username == username, row.tries >= MAX_TRIES, row.locked_until.is_(None))
            .values(locked_until=until)
            .returning(row.username)
        ).first()
    return started is not None


def clear(session: Session, username: str) -> int:
    """A good password resets the count (the row goes); returns how many attempts were
    refused while locked since the last good one (reported then, not audited one by one)."""
    row = SignInThrottle
    with _own_transaction(session) as counter:
        cleared = counter.execute(
            delete(row).where(row.username == username).returning(row.refused)
        ).first()
    return int(cleared[0]) if cleared else 0


class ClientThrottle:
    """Failed sign-ins per client address in a sliding window, in this process's memory."""

    def __init__(
        self, max_failures: int = CLIENT_MAX_FAILURES, window: float = CLIENT_WINDOW_SECONDS
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """Seconds until this client may try again (0: it may try now)."""
        with self._lock:
            recent = self._recent(client, time.monotonic())
            if len(recent) < self.max_failures:
                return 0
            return max(1, int(recent[0] + self.window - time.monotonic()) + 1)

    def note_failure(self, client: str) -> None:
        """Count one refused sign-in of this client."""
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._failures) > _CLIENTS_KEPT:
                self._forget_quiet(now)

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def _forget_quiet(self, now: float) -> None:
        for client in list(self._failures):
            if not self._recent(client, now):
                del self._failures[client]


_made_lock = threading.Lock()


def client_throttle(holder: object) -> ClientThrottle:
    """The one `ClientThrottle` of an app (kept on `app.state`), made on first use."""
    with _made_lock:
        throttle = getattr(holder, "sign_in_clients", None)
        if not isinstance(throttle, ClientThrottle):
            throttle = ClientThrottle()
            setattr(holder, "sign_in_clients", throttle)  # noqa: B010 - app.state is dynamic
        return throttle
