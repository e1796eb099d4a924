"""An injectable clock: services ask it for "now" and "today" instead of the system.

Legal clocks, queues and the ledger's timestamps all depend on the day it is. A service takes
a `Clock` with the system clock as default, so production reads the real time and a test
fixes the day (`FixedClock.on(date(2025, 4, 4))`) and sees a deadline pass without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol


class Clock(Protocol):
    """Where a service reads the current time and day."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """The current day where the officers work (the deadline calendar's day)."""
        ...


@dataclass(frozen=True)
class SystemClock:
    """The real time: UTC for timestamps, the server's local day for deadlines."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """The server's local day, as officers count deadline days."""
        return date.today()


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one instant, so a test decides what day it is."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            object.__setattr__(self, "at", self.at.replace(tzinfo=UTC))

    @classmethod
    def on(cls, day: date) -> FixedClock:
        """A clock standing at noon UTC on `day` (noon: the same day in every US zone)."""
        return cls(datetime.combine(day, time(12), tzinfo=UTC))

    def now(self) -> datetime:
        """The fixed instant."""
        return self.at

    def today(self) -> date:
        """The fixed instant's day."""
        return self.at.date()


SYSTEM_CLOCK: Clock = SystemClock()
"""The default every service takes."""


def iso_utc(instant: datetime) -> str:
    """The ISO 8601 UTC text every table stores ("2026-11-27T20:30:01.123456Z")."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
