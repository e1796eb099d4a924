"""Loading victims from a CSV in HTCDS 2.0 field names (what partner case systems export),
through the one file-import primitive: every row checked before anything is written, each
bad row reported with its line, column and reason (never the value: it may be a name), a
re-run of the same bytes writes nothing, and every identity is sealed on the way in.

Identity columns carry the `ctip_` prefix (HTCDS keeps identity in its own Person section,
which ctip never exports): ctip_Names and the specialists to assign are required.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import FileWrite, IncomingFile, import_file
from ctip.ingest.tables import Columns, Row, read_table, reject_rows
from ctip.model.clock import SYSTEM_CLOCK, Clock
from ctip.model.errors import CtipError, InvalidInput
from ctip.protection import htcds, victims
from ctip.protection.victims import Context, Identity

KIND = "protection_victims"
NAMES, SPECIALISTS = "ctip_names", "ctip_specialists"
COLUMNS = Columns(
    required=(NAMES, SPECIALISTS),
    optional=(
        "ctip_birthdate",
        "ctip_nationality",
        "ctip_contact",
        "ctip_address",
        "ctip_languages",
        "ctip_documents",
        "ctip_cases",
        "vic_dateidentified",
        *(f.lower() for f in htcds.VALUES),
        htcds.AGE_WHEN_TRAFFICKED.lower(),
    ),
    meanings={NAMES: "names, ';' between them (sealed)", SPECIALISTS: "usernames, ';' between"},
    id_column=None,
)


@dataclass(frozen=True)
class VictimLine:
    """One checked row, ready to store."""

    line: int
    identity: Identity
    context: Context
    specialists: tuple[str, ...]
    cases: tuple[str, ...]
    identified_on: str | None


def _many(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(";") if p.strip())


def _column(row: Row, key: str) -> str:
    return row.get(key.lower())


def _line(session: Session, row: Row, clock: Clock) -> VictimLine:
    """A row checked field by field; the error names the column, never the value."""
    age = _column(row, htcds.AGE_WHEN_TRAFFICKED)
    if age and not age.isdigit():
        raise InvalidInput(f"{htcds.AGE_WHEN_TRAFFICKED}: a whole number of years")
    identity = victims.checked_identity(
        Identity(
            names=_many(row.get(NAMES)),
            birth_date=row.get("ctip_birthdate"),
            nationality=row.get("ctip_nationality"),
            contact=row.get("ctip_contact"),
            address=row.get("ctip_address"),
            languages=_many(row.get("ctip_languages")),
            documents=_many(row.get("ctip_documents")),
        ),
        clock.today(),
    )
    context = victims.checked_context(
        Context(
            trafficking_status=_column(row, htcds.TRAFFICKING_STATUS) or htcds.ACTUAL_VICTIM,
            exploitation=_many(_column(row, htcds.TYPE_OF_EXPLOITATION)),
            recruitment=_many(_column(row, htcds.METHOD_OF_RECRUITMENT)),
            control=_many(_column(row, htcds.METHODS_OF_CONTROL)),
            relationship=_column(row, htcds.RELATIONSHIP_TO_TRAFFICKER),
            age_when_trafficked=int(age) if age else None,
        )
    )
    day = row.get("vic_dateidentified")
    return VictimLine(
        line=row.line,
        identity=identity,
        context=context,
        specialists=tuple(victims.specialist(session, u) for u in _many(row.get(SPECIALISTS))),
        cases=tuple(victims.checked_case_id(c) for c in _many(row.get("ctip_cases"))),
        identified_on=victims.checked_date(day, "vic_DateIdentified", clock.today())
        if day
        else None,
    )


def read_victims(
    session: Session, data: bytes, file_name: str, clock: Clock = SYSTEM_CLOCK
) -> list[VictimLine]:
    """Every row checked; the file refused with each bad row if any is wrong."""
    table = read_table(data, file_name, COLUMNS)
    reject_rows(file_name, table)
    lines, errors = [], []
    for row in table.rows:
        try:
            lines.append(_line(session, row, clock))
        except CtipError as error:
            errors.append(RowError(row.line, error.message))
    if errors:
        raise FileRejected(file_name, errors)
    return lines


def load_victims(
    session: Session, data: bytes, file_name: str, actor: str, clock: Clock = SYSTEM_CLOCK
) -> tuple[bool, list[str]]:
    """Load a victims file once; (already loaded, the new pseudonyms in file order)."""
    made: list[str] = []

    def write(target: FileWrite, lines: list[VictimLine]) -> dict[str, int]:
        for line in lines:
            made.append(
                victims.add_victim(
                    target.session,
                    actor,
                    line.identity,
                    line.context,
                    list(line.specialists),
                    list(line.cases),
                    line.identified_on,
                    clock,
                )
            )
            target.progress(1)
        return {"victims": len(made)}

    incoming = IncomingFile.of(data, file_name, kind=KIND, actor=actor, action="victims.import")
    outcome = import_file(
        session, incoming, lambda: read_victims(session, data, file_name, clock), write
    )
    return outcome.already_imported, made
