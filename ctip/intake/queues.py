"""The intake queues as paged listings, and the counts of the home page and the figures.

The intel analysts' tip queue (every activity but forced labour in goods), the trade
analysts' allegation queue (forced labour in goods) and an officer's own screenings are each
a `Listing`: paged, sorted, filtered and searched in SQL, exported whole. A tip's status is
its latest decision in the ledger, joined in SQL, so "new" tips are found without reading
every stream.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from ctip.intake.screenings import Screening, screening_of
from ctip.intake.tables import ScreeningRow, TipKeyRow, TipRow
from ctip.intake.tips import FORCED_LABOUR, NEW, Tip, latest_decisions, tip_of
from ctip.model.calendar import FiscalYear
from ctip.model.clock import SYSTEM_CLOCK, Clock
from ctip.store.paging import Listing, ListingField

TIPS: Final = "tips"
ALLEGATIONS: Final = "allegations"
RECENT_DAYS: Final = 30


def shared_identifiers() -> Any:
    """Per tip, how many other tips give one of its phones, e-mails or names (in SQL)."""
    mine, theirs = aliased(TipKeyRow), aliased(TipKeyRow)
    return (
        select(func.count(func.distinct(theirs.tip_id)))
        .where(
            mine.tip_id == TipRow.id,
            theirs.kind == mine.kind,
            theirs.key == mine.key,
            theirs.tip_id != mine.tip_id,
        )
        .scalar_subquery()
    )


def _tip_statement(queue: str, fiscal_year: int | None = None) -> tuple[Select[Any], Any]:
    latest = latest_decisions()
    status = func.coalesce(latest.c.kind, NEW)
    statement = select(
        TipRow, status.label("status"), shared_identifiers().label("shared")
    ).outerjoin(latest, latest.c.stream_id == TipRow.id)
    if queue == ALLEGATIONS:
        statement = statement.where(TipRow.activity == FORCED_LABOUR)
    else:
        statement = statement.where(TipRow.activity != FORCED_LABOUR)
    if fiscal_year is not None:
        statement = statement.where(*_public_in(fiscal_year))
    return statement, status


def tip_listing(queue: str = TIPS, fiscal_year: int | None = None) -> Listing[Tip]:
    """The tip queue (or the allegation queue), newest first unless sorted otherwise; with a
    fiscal year, only the public tips received in it (the records behind the year's figure)."""
    statement, status = _tip_statement(queue, fiscal_year)
    fields = {
        "received": ListingField(TipRow.received_at),
        "shared": ListingField(shared_identifiers()),
        "status": ListingField(status, match="equals"),
        "activity": ListingField(TipRow.activity, match="equals"),
        "channel": ListingField(TipRow.channel, match="equals"),
        "location": ListingField(TipRow.reporter_location, match="equals"),
        "tip": ListingField(TipRow.id, searched=True),
        "narrative": ListingField(TipRow.narrative, sortable=False, searched=True),
        "company": ListingField(TipRow.company, searched=True),
        "goods": ListingField(TipRow.goods, match="contains", searched=True),
        "country": ListingField(TipRow.country, match="equals"),
    }
    return Listing(
        statement,
        fields,
        lambda row: tip_of(row[0], row[1], shared=int(row[2] or 0)),
        tiebreak=(TipRow.received_at.desc(), TipRow.id),
    )


def screening_listing(officer: str | None) -> Listing[Screening]:
    """An officer's own screenings (every officer's for None: oversight), newest first."""
    statement = select(ScreeningRow)
    if officer is not None:
        statement = statement.where(ScreeningRow.officer == officer)
    fields = {
        "on": ListingField(ScreeningRow.encountered_on),
        "id": ListingField(ScreeningRow.id, searched=True),
        "place": ListingField(ScreeningRow.place, match="contains", searched=True),
        "port": ListingField(ScreeningRow.port, match="equals", searched=True),
        "score": ListingField(ScreeningRow.score),
        "outcome": ListingField(ScreeningRow.outcome, match="equals"),
        "referral": ListingField(ScreeningRow.referral, match="equals"),
        "officer": ListingField(ScreeningRow.officer, match="equals"),
    }
    return Listing(
        statement,
        fields,
        lambda row: screening_of(row[0]),
        tiebreak=(ScreeningRow.encountered_on.desc(), ScreeningRow.recorded_at.desc()),
    )


def waiting(session: Session, queue: str) -> int:
    """Tips (or allegations) with no decision yet."""
    statement, status = _tip_statement(queue)
    counted = select(func.count()).select_from(statement.where(status == NEW).subquery())
    return int(session.execute(counted).scalar_one())


def tips_to_triage(session: Session, _username: str) -> int:
    """The intel analysts' home tile: tips waiting for a decision."""
    return waiting(session, TIPS)


def allegations_to_review(session: Session, _username: str) -> int:
    """The trade analysts' home tile: allegations waiting for a decision."""
    return waiting(session, ALLEGATIONS)


def recent_screenings(session: Session, username: str, clock: Clock = SYSTEM_CLOCK) -> int:
    """The officer's home tile: their screenings of the last 30 days."""
    since = (clock.today() - timedelta(days=RECENT_DAYS)).isoformat()
    query = select(func.count()).where(
        ScreeningRow.officer == username, ScreeningRow.encountered_on >= since
    )
    return int(session.execute(query).scalar_one())


def _within(column: Any, fiscal_year: int) -> Any:
    year = FiscalYear(fiscal_year)
    return column.between(year.start.isoformat(), year.end.isoformat())


def _public_in(fiscal_year: int) -> tuple[Any, ...]:
    """Tips the public sent in the fiscal year (referrals from screenings are not tips sent)."""
    return (_within(TipRow.received_on, fiscal_year), TipRow.channel != "screening")


def tips_received(session: Session, fiscal_year: int) -> int:
    """Public tips of the fiscal year, forced-labour allegations apart."""
    query = select(func.count()).where(*_public_in(fiscal_year), TipRow.activity != FORCED_LABOUR)
    return int(session.execute(query).scalar_one())


def tips_by_activity(session: Session, fiscal_year: int) -> dict[str, int]:
    """The year's public tips by suspected activity (allegations apart)."""
    query = (
        select(TipRow.activity, func.count())
        .where(*_public_in(fiscal_year), TipRow.activity != FORCED_LABOUR)
        .group_by(TipRow.activity)
    )
    return {str(k): int(v) for k, v in session.execute(query).all()}


def allegations_received(session: Session, fiscal_year: int) -> int:
    """Forced-labour allegations of the fiscal year."""
    query = select(func.count()).where(*_public_in(fiscal_year), TipRow.activity == FORCED_LABOUR)
    return int(session.execute(query).scalar_one())


def screenings_recorded(session: Session, fiscal_year: int) -> int:
    """Encounter screenings of the fiscal year (by the day of the encounter)."""
    query = select(func.count()).where(_within(ScreeningRow.encountered_on, fiscal_year))
    return int(session.execute(query).scalar_one())


def screenings_by_outcome(session: Session, fiscal_year: int) -> dict[str, int]:
    """The year's screenings by outcome (refer, consider referral, no referral indicated)."""
    query = (
        select(ScreeningRow.outcome, func.count())
        .where(_within(ScreeningRow.encountered_on, fiscal_year))
        .group_by(ScreeningRow.outcome)
    )
    return {str(k): int(v) for k, v in session.execute(query).all()}


def referrals(session: Session, fiscal_year: int) -> int:
    """Screenings of the fiscal year referred to the HSI tip queue or to a case."""
    query = select(func.count()).where(
        _within(ScreeningRow.encountered_on, fiscal_year), ScreeningRow.referral != "none"
    )
    return int(session.execute(query).scalar_one())


def referrals_by_kind(session: Session, fiscal_year: int) -> dict[str, int]:
    """The year's referrals: to the tip queue or to an existing case."""
    query = (
        select(ScreeningRow.referral, func.count())
        .where(_within(ScreeningRow.encountered_on, fiscal_year), ScreeningRow.referral != "none")
        .group_by(ScreeningRow.referral)
    )
    return {str(k): int(v) for k, v in session.execute(query).all()}
