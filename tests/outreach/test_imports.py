"""Loading outreach CSV files: every bad row named with its column, nothing written, once per
content."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.outreach import imports
from ctip.outreach.tables import ActivityRow, PartnerRow
from ctip.store.db import Database

GOOD = (
    b"Kind,Title,Component,Audience,Held On,Place,Attendees\n"
    b"training,HT Awareness,FLETC,law enforcement basic training,2021-02-01,Glynco,1,200\n"
    b"presentation,What is HT?,,youth workers,2021-02-03,Atlanta,45\n"
    b"\n"
)


def _count(database: Database, model: type) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_good_file_loads_once(database: Database) -> None:
    good = GOOD.replace(b"1,200", b'"1,200"')
    with database.session() as session:
        first = imports.load_activities(session, good, "a.csv", "olivia")
    with database.session() as session:
        again = imports.load_activities(session, good, "renamed.csv", "olivia")
    assert (first.rows, first.already_loaded) == (2, False)
    assert again.already_loaded
    with database.session() as session:
        rows = session.scalars(select(ActivityRow).order_by(ActivityRow.held_on)).all()
        assert [(r.component, r.attendees) for r in rows] == [
            ("FLETC", 1200),
            ("Blue Campaign", 45),
        ]


def test_bad_rows_are_named_with_their_column_and_nothing_is_written(
    sqlite_database: Database,
) -> None:
    bad = (
        b"kind,title,component,date,attendees\n"
        b"presentation,Good,,2021-02-03,45\n"
        b"presentation,Bad date,,03/02/2021,45\n"
        b"training,No component,,2021-02-03,10\n"
        b"presentation,Negative,,2021-02-03,-1\n"
    )
    with sqlite_database.session() as session, pytest.raises(FileRejected) as caught:
        imports.load_activities(session, bad, "bad.csv", "olivia")
    reported = [(e.row, e.reason.split(" ")[1]) for e in caught.value.errors]
    assert reported == [(3, "date"), (4, "component:"), (5, "attendees")]
    assert _count(sqlite_database, ActivityRow) == 0


def test_a_file_without_the_needed_columns_is_refused(sqlite_database: Database) -> None:
    with sqlite_database.session() as session, pytest.raises(FileRejected, match="attendees"):
        imports.load_activities(session, b"kind,title,date\n", "x.csv", "olivia")


def test_partners_load(sqlite_database: Database) -> None:
    data = b"name,initiative,sector,joined_on\nCascade Air,,airline,2021-04-01\n"
    with sqlite_database.session() as session:
        assert imports.load_partners(session, data, "p.csv", "olivia").rows == 1
        row = session.scalars(select(PartnerRow)).one()
    assert (row.initiative, row.joined_on) == ("Blue Lightning Initiative", "2021-04-01")


def test_an_unquoted_comma_rejects_its_row_instead_of_cutting_the_value(
    sqlite_database: Database,
) -> None:
    """`1,200` unquoted made eight fields: the reader once kept 1 attendee and dropped 200."""
    with sqlite_database.session() as session, pytest.raises(FileRejected) as caught:
        imports.load_activities(session, GOOD, "unquoted.csv", "olivia")
    assert [(e.row, e.reason) for e in caught.value.errors] == [
        (2, "8 fields, expected 7 (an unquoted comma in a value?)")
    ]
    assert _count(sqlite_database, ActivityRow) == 0


def test_a_column_named_twice_is_refused_not_read_as_the_last_one(
    sqlite_database: Database,
) -> None:
    data = b"name,joined,joined_on\nCascade Air,2021-04-01,2019-01-01\n"
    with sqlite_database.session() as session, pytest.raises(FileRejected, match="twice"):
        imports.load_partners(session, data, "p.csv", "olivia")
    assert _count(sqlite_database, PartnerRow) == 0


def test_headers_are_read_without_regard_to_case_spaces_or_hyphens(
    sqlite_database: Database,
) -> None:
    data = b"\xef\xbb\xbfName , Joined-On\n  Cascade Air , 2021-04-01 \n"
    with sqlite_database.session() as session:
        assert imports.load_partners(session, data, "p.csv", "olivia").rows == 1
        row = session.scalars(select(PartnerRow)).one()
    assert (row.name, row.joined_on) == ("Cascade Air", "2021-04-01")
