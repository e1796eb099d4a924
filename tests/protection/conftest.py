"""Fixtures of the protection tests: a store with two victim specialists and a victim whose
name is a marker no other text in the project holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ctip.authz import users
from ctip.model.clock import FixedClock
from ctip.model.roles import Role
from ctip.protection import victims
from ctip.protection.victims import Context, Identity
from ctip.store.db import Database
from tests.conftest import TEST_PASSWORD

MARKER = "Qwvxzplorn Marqueteuse"
"""The victim's name: found anywhere it should not be, it is a leak."""
MARKER_BITS = ("Qwvxzplorn", "Marqueteuse")
TODAY = date(2026, 6, 1)
CLOCK = FixedClock.on(TODAY)


def add_specialists(db: Database) -> None:
    """Two victim specialists (maria holds the victim, tom does not) and a supervisor."""
    with db.session() as session:
        for name, role in (
            ("maria", Role.VICTIM_SPECIALIST),
            ("tom", Role.VICTIM_SPECIALIST),
            ("sam", Role.SUPERVISOR),
        ):
            users.add_user(session, "test-setup", name, TEST_PASSWORD, role.value)


def add_marker_victim(db: Database, assign: str = "maria", case: str = "HSI-2021-00042") -> str:
    """The marker victim, assigned to `assign`; returns the pseudonym."""
    identity = Identity(
        names=(MARKER,),
        birth_date="1994-03-02",
        nationality="HN",
        contact="+1 713 555 0142",
        address="12 Marqueteuse Lane, Houston",
        languages=("Spanish",),
        documents=("Passport Qwvxzplorn-77",),
    )
    context = Context(exploitation=("ForcedLabour",), control=("DebtBondage", "WithholdsDocuments"))
    with db.session() as session:
        return victims.add_victim(
            session, "test-setup", identity, context, [assign], [case], "2021-03-04", CLOCK
        )


@pytest.fixture
def protection_db(database: Database) -> Iterator[Database]:
    """A store (SQLite and PostgreSQL) with the specialists and the supervisor."""
    add_specialists(database)
    yield database


@pytest.fixture
def sqlite_protection_db(sqlite_database: Database) -> Iterator[Database]:
    """The same on SQLite only."""
    add_specialists(sqlite_database)
    yield sqlite_database
