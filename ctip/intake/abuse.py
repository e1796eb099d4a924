"""Abuse resistance for the public tip channels, without third-party services.

A per-client rate limit held in memory only: a client may send `LIMIT` tips in
`WINDOW_SECONDS`; the next is refused (429). The client is known here only by a keyed hash of
its address under a key made when the process starts and never stored, so not even this
memory holds an address, and nothing of it outlives the process. The web form adds a
honeypot field (a person never fills it) and a minimum time to fill (a script posts at once).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from typing import Any, Final

LIMIT: Final = 30
WINDOW_SECONDS: Final = 60.0
CLIENTS_KEPT: Final = 10_000
MIN_FILL_SECONDS: Final = 3.0
"""A person needs more than this to read and fill the tip form."""
MAX_FILL_SECONDS: Final = 24 * 3600.0
HONEYPOT: Final = "website"
"""The field a person never sees (hidden by CSS) and a form-filling script fills."""
_STATE_KEY: Final = "intake_tip_limiter"


class TipLimiter:
    """Sends per client in a sliding window, in memory, bounded in size."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._key = secrets.token_bytes(32)
        self._sends: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _client(self, address: str) -> str:
        return hmac.new(self._key, address.encode(), hashlib.sha256).hexdigest()

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one send from the client; False once it has sent `limit` in the window."""
        moment = time.monotonic() if now is None else now
        client = self._client(address)
        with self._lock:
            sends = self._sends.setdefault(client, deque())
            while sends and moment - sends[0] >= self.window:
                sends.popleft()
            if len(sends) >= self.limit:
                return False
            sends.append(moment)
            self._forget_quiet(moment)
            return True

    def _forget_quiet(self, moment: float) -> None:
        if len(self._sends) <= CLIENTS_KEPT:
            return
        for client in [c for c, s in self._sends.items() if not s or moment - s[-1] >= self.window]:
            del self._sends[client]


def limiter_for(state: Any) -> TipLimiter:
    """The app's limiter (one per app, made on first use)."""
    limiter = getattr(state, _STATE_KEY, None)
    if not isinstance(limiter, TipLimiter):
        limiter = TipLimiter()
        setattr(state, _STATE_KEY, limiter)
    return limiter


def filled_like_a_person(honeypot: str, started: float | None, now: float | None = None) -> bool:
    """Whether a web form looks filled by a person: honeypot empty, time to fill plausible."""
    if honeypot.strip() or started is None:
        return False
    elapsed = (time.time() if now is None else now) - started
    return MIN_FILL_SECONDS <= elapsed <= MAX_FILL_SECONDS
