"""The injectable clock: the system's time by default, a fixed instant in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from ctip.model.clock import SYSTEM_CLOCK, FixedClock, iso_utc


def test_a_fixed_clock_says_the_day_it_was_set_to() -> None:
    clock = FixedClock.on(date(2025, 4, 4))
    assert clock.today() == date(2025, 4, 4)
    assert clock.now() == datetime(2025, 4, 4, 12, tzinfo=UTC)


def test_a_naive_instant_is_read_as_utc() -> None:
    clock = FixedClock(datetime(2025, 4, 4, 23, 30))
    assert clock.now().tzinfo is UTC and iso_utc(clock.now()) == "2025-04-04T23:30:00.000000Z"


def test_the_system_clock_reads_the_real_time() -> None:
    before = datetime.now(UTC)
    now = SYSTEM_CLOCK.now()
    assert now.tzinfo is not None and before <= now <= before + timedelta(seconds=5)
    assert SYSTEM_CLOCK.today() == date.today()


def test_timestamps_are_stored_as_utc_text() -> None:
    eastern_daylight = timezone(timedelta(hours=-4))
    at = datetime(2025, 4, 4, 16, 0, 0, 250, tzinfo=eastern_daylight)
    assert iso_utc(at) == "2025-04-04T20:00:00.000250Z"
