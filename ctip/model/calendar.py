"""Calendars the law counts in: working days, calendar months, years and the fiscal year.

Working days are Monday to Friday less the federal holidays of 5 U.S.C. 6103 as observed (a
holiday on a Saturday is kept the Friday before, on a Sunday the Monday after), from the
`holidays` package's tables, which ship with it (nothing is fetched). A month counted from
the 31st ends on the last day of a shorter month (31 January + 1 month = 28 or 29 February).
The US federal fiscal year runs 1 October - 30 September and is named by the year it ends in:
FY2021 is 2020-10-01 to 2021-09-30.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import holidays

from ctip.model.errors import InvalidInput


class Unit(StrEnum):
    """What a legal period is counted in."""

    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    CALENDAR_MONTHS = "calendar_months"
    YEARS = "years"


@cache
def federal_holidays(year: int) -> holidays.HolidayBase:
    """The federal holidays of one year with their observed days."""
    return holidays.country_holidays("US", years=year, observed=True)


def is_working_day(day: date) -> bool:
    """A weekday that is no federal holiday (observed days included)."""
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def add_calendar_days(start: date, days: int) -> date:
    """`days` calendar days after `start` (before it when negative)."""
    return start + timedelta(days=days)


def add_working_days(start: date, days: int) -> date:
    """The working day reached by counting `days` working days from `start` (not counted
    itself), the way 19 CFR counts "5 working days after" a decision."""
    step = timedelta(days=1 if days >= 0 else -1)
    current, left = start, abs(days)
    while left:
        current += step
        if is_working_day(current):
            left -= 1
    return current


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    return add_months(start, 12 * years)


ADDERS: dict[Unit, Callable[[date, int], date]] = {
    Unit.CALENDAR_DAYS: add_calendar_days,
    Unit.WORKING_DAYS: add_working_days,
    Unit.CALENDAR_MONTHS: add_months,
    Unit.YEARS: add_years,
}


def add(start: date, amount: int, unit: Unit | str) -> date:
    """`amount` units after `start`; an unknown unit is refused, never read as days."""
    try:
        adder = ADDERS[Unit(unit)]
    except ValueError:
        known = ", ".join(u.value for u in Unit)
        raise InvalidInput(f"unknown unit {unit!r}: use one of {known}") from None
    return adder(start, amount)


def days_between(start: date, end: date) -> int:
    """Calendar days from `start` to `end` (negative when `end` is earlier)."""
    return (end - start).days


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier),
    so that `add_working_days(start, n)` is the first day this reaches n."""
    low, high = sorted((start, end))
    count = sum(1 for n in range(1, (high - low).days + 1) if is_working_day(low + timedelta(n)))
    return count if end >= start else -count


@dataclass(frozen=True)
class FiscalYear:
    """A US federal fiscal year, named by the calendar year it ends in."""

    year: int

    @classmethod
    def of(cls, day: date | str) -> FiscalYear:
        """The fiscal year a day falls in (October to December count toward the next year)."""
        when = date.fromisoformat(day) if isinstance(day, str) else day
        return cls(when.year + 1 if when.month >= 10 else when.year)

    @property
    def start(self) -> date:
        """1 October of the year before."""
        return date(self.year - 1, 10, 1)

    @property
    def end(self) -> date:
        """30 September of the year it is named by."""
        return date(self.year, 9, 30)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"FY{self.year}"


def fiscal_year(day: date | str) -> int:
    """The number of the fiscal year a day falls in (2021-10-01 is in FY2022)."""
    return FiscalYear.of(day).year
