"""Loading outreach records from CSV through the shared file-import primitive.

Two files: activities (trainings and presentations: kind, title, component, audience, date,
place, attendees) and partners (name, initiative, sector, joined). Headers are read without
regard to case or spaces, and a few names the field uses are accepted for the same column
(`held_on` or `date`, `joined_on` or `joined`). The file's structure is read by the shared
reader (`ctip.ingest.tables.read_table`): not UTF-8, a column named twice, or a row with more
or fewer fields than the header (an unquoted comma in "1,200") rejects it. Every row is then
checked before anything is written; a rejected file names each bad row, its column and the
reason, and writes nothing. The same bytes load once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.ingest.tables import Columns, Row, Table, read_table, reject_rows
from ctip.outreach.records import NewActivity, NewPartner, OutreachFieldError
from ctip.outreach.tables import ActivityRow, PartnerRow
from ctip.store.bulk import insert_rows
from ctip.store.db import utc_now

ACTIVITY_COLUMNS = ("kind", "title", "component", "audience", "date", "place", "attendees")
ACTIVITY_REQUIRED = ("kind", "title", "date", "attendees")
PARTNER_COLUMNS = ("name", "initiative", "sector", "joined")
PARTNER_REQUIRED = ("name", "joined")
ALIASES = {"held_on": "date", "on": "date", "joined_on": "joined", "course": "title"}
T = TypeVar("T")


@dataclass(frozen=True)
class OutreachLoad:
    """What loading a file did."""

    file_name: str
    rows: int
    already_loaded: bool


def _columns(known: tuple[str, ...]) -> Columns:
    """What the shared reader is told: every name and alias known, none required (the
    required ones are checked once the aliases are read), and no id column."""
    return Columns(required=(), optional=(*known, *ALIASES), id_column=None)


def _aliased(table: Table) -> list[Row]:
    """The rows with each column under its own name (`held_on` read as `date`)."""
    return [Row(r.line, {ALIASES.get(k, k): v for k, v in r.cells.items()}) for r in table.rows]


def _header_faults(header: tuple[str, ...], required: tuple[str, ...]) -> list[str]:
    """A required column missing, or one column given twice under two of its names."""
    named = [ALIASES.get(h, h) for h in header if h]
    missing = [c for c in required if c not in named]
    twice = sorted({c for c in named if named.count(c) > 1})
    faults = [f"header lacks column(s): {', '.join(missing)}"] if missing else []
    return faults + ([f"column(s) named twice: {', '.join(twice)}"] if twice else [])


def read_rows(
    data: bytes,
    file_name: str,
    required: tuple[str, ...],
    build: Callable[[Row], T],
    known: tuple[str, ...] = (),
) -> list[T]:
    """Every row built, or `FileRejected` naming each bad row with its column and reason."""
    table = read_table(data, file_name, _columns(known or required))
    faults = _header_faults(table.header, required)
    if faults:
        raise FileRejected(file_name, [RowError(1, fault) for fault in faults])
    reject_rows(file_name, table)
    built, errors = [], []
    for row in _aliased(table):
        try:
            built.append(build(row))
        except OutreachFieldError as error:
            errors.append(RowError(row.line, f"column {error.message}"))
    if errors:
        raise FileRejected(file_name, errors)
    if not built:
        raise FileRejected(file_name, [RowError(1, "no records in the file")])
    return built


def _activity(row: Row) -> NewActivity:
    return NewActivity.checked(
        row.get("kind"),
        row.get("title"),
        row.get("date"),
        row.get("attendees"),
        row.get("component"),
        row.get("audience"),
        row.get("place"),
    )


def _partner(row: Row) -> NewPartner:
    return NewPartner.checked(
        row.get("name"), row.get("joined"), row.get("initiative"), row.get("sector")
    )


def _write(
    table: type[ActivityRow] | type[PartnerRow],
    counted: str,
    target: FileWrite,
    records: Sequence[NewActivity | NewPartner],
) -> Counts:
    at = utc_now()
    rows = [r.row(target.actor, at, target.file_id) for r in records]
    insert_rows(target.session, table, rows)
    target.progress(len(rows))
    return {counted: len(rows)}


_write_activities = partial(_write, ActivityRow, "activities")
_write_partners = partial(_write, PartnerRow, "partners")


def load_activities(session: Session, data: bytes, file_name: str, actor: str) -> OutreachLoad:
    """Trainings and presentations from CSV: all or nothing, once per content."""
    incoming = IncomingFile.of(
        data, file_name, kind="outreach_activities", actor=actor, action="outreach.activities.load"
    )
    validate = partial(read_rows, data, file_name, ACTIVITY_REQUIRED, _activity, ACTIVITY_COLUMNS)
    outcome = import_file(session, incoming, validate, _write_activities)
    return OutreachLoad(file_name, outcome.count("activities"), outcome.already_imported)


def load_partners(session: Session, data: bytes, file_name: str, actor: str) -> OutreachLoad:
    """Partners from CSV: all or nothing, once per content."""
    incoming = IncomingFile.of(
        data, file_name, kind="outreach_partners", actor=actor, action="outreach.partners.load"
    )
    validate = partial(read_rows, data, file_name, PARTNER_REQUIRED, _partner, PARTNER_COLUMNS)
    outcome = import_file(session, incoming, validate, _write_partners)
    return OutreachLoad(file_name, outcome.count("partners"), outcome.already_imported)
