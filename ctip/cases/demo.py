"""The cases part of the demo world: the source document's HSI figures as records.

HSI initiated 947 human-trafficking cases in FY2020 and 1,111 in FY2021 and made 1,746 and
2,360 arrests. The demo generates them as plausible records (a fixed seed): cases opened on
days spread over each year across HSI field offices, of each type, some referred or closed
with a disposition; arrests of persons who are subjects of their case, each charged under
18 U.S.C. chapter 77 or a state statute, many indicted, some convicted or dismissed. The
figures are then counted from these records like any others. Written in bulk (a few seconds),
each case's history in the shared ledger, with one audit row for the whole seed.

Besides, a handful of rich cases are opened through the services (audited step by step) on
the demo world's entities: two of them share a phone, so both leads get a deconfliction
notice.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.util import make_entity_id
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.authz.policy import Principal
from ctip.cases import arrests, evidence, service, subjects
from ctip.cases.service import EventKind
from ctip.cases.statutes import FEDERAL
from ctip.cases.tables import (
    ArrestRow,
    CaseKeyRow,
    CaseMemberRow,
    CaseRow,
    CaseSubjectRow,
    ChargeOutcomeRow,
    ChargeRow,
)
from ctip.demo.world import DEMO_SOURCE, FIRST_NAMES, LAST_NAMES, demo_username
from ctip.model.calendar import FiscalYear
from ctip.model.clock import FixedClock
from ctip.model.roles import Role
from ctip.store import entities
from ctip.store.bulk import insert_rows
from ctip.store.tables import LedgerEventRow, StatementRow

DEMO_ACTOR = "demo"
SEED = 20211111
SOURCE = "demo-cases"
CASES = {2020: 947, 2021: 1111}
ARRESTS = {2020: 1746, 2021: 2360}
RING_PHONE = "+1 713 555 0199"
POSTER_NAME = "Poster of ad network"
"""How the networks area names the unknown poster behind an ad network in the entity store."""
OFFICES = (
    ("HSI Houston", 9),
    ("HSI Los Angeles", 8),
    ("HSI New York", 8),
    ("HSI Miami", 6),
    ("HSI San Antonio", 6),
    ("HSI Chicago", 5),
    ("HSI Atlanta", 5),
    ("HSI Newark", 4),
    ("HSI Phoenix", 4),
    ("HSI San Diego", 4),
    ("HSI El Paso", 3),
    ("HSI Dallas", 4),
    ("HSI Seattle", 3),
    ("HSI Washington, DC", 3),
    ("HSI Denver", 2),
    ("HSI Boston", 2),
    ("HSI New Orleans", 2),
    ("HSI Detroit", 2),
    ("HSI Tampa", 3),
    ("HSI San Juan", 2),
)
TYPES = (("sex_trafficking", 64), ("labour_trafficking", 21), ("forced_labour", 5), ("other", 10))
STATUTES = {
    "sex_trafficking": ("1591", "1591", "1591", "1594", "Tex. Penal Code § 20A.02"),
    "labour_trafficking": ("1589", "1589", "1590", "1592", "1594"),
    "forced_labour": ("1589", "1593A", "1592"),
    "other": ("1592", "1597", "1594", "Fla. Stat. § 787.06", "Cal. Penal Code § 236.1"),
}
DISPOSITIONS = (
    "prosecution accepted",
    "prosecution accepted",
    "prosecution declined",
    "insufficient evidence",
    "merged into another case",
)
REFERRALS = ("FBI", "State Attorney General", "DOL Wage and Hour Division", "Local police")
AGENCIES = (("HSI", 80), ("HSI with local police", 12), ("HSI with FBI", 5), ("CBP", 3))
AGENTS = tuple(f"sa.{name.lower()}" for name in LAST_NAMES)
TITLE_WORDS = {
    "sex_trafficking": ("online escort ads", "illicit massage business", "minor in commercial sex"),
    "labour_trafficking": ("farm labour contractor", "domestic servitude", "restaurant workers"),
    "forced_labour": ("goods from forced labour", "debt bondage at supplier"),
    "other": ("document fraud", "smuggling with exploitation"),
}


@dataclass
class _Batch:
    """Rows of every table, gathered before one bulk write each."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    arrests: list[dict[str, Any]] = field(default_factory=list)
    charges: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    seq: dict[str, int] = field(default_factory=dict)
    arrests_of: dict[str, int] = field(default_factory=dict)
    latest: dict[str, date] = field(default_factory=dict)
    """The day of each case's latest event (a case closes after its last arrest and ruling)."""

    def event(self, number: str, what: EventKind, on: date, why: str, **detail: Any) -> None:
        """One ledger event of the case's stream, recorded on the day it happened."""
        seq = self.seq[number] = self.seq.get(number, 0) + 1
        self.latest[number] = max(on, self.latest.get(number, on))
        self.events.append(
            {
                "stream_kind": service.STREAM_KIND,
                "stream_id": number,
                "seq": seq,
                "kind": what.value,
                "actor": DEMO_ACTOR,
                "at": f"{on.isoformat()}T16:00:00.000000Z",
                "reason": why,
                "payload": json.dumps({"on": on.isoformat(), **detail}, sort_keys=True),
            }
        )


@dataclass(frozen=True)
class _Value:
    prop: Property
    value: str
    original_value: str | None = None


@dataclass(frozen=True)
class _Person:
    """An arrested person as an FtM Person of the demo's own source."""

    entity_id: str
    schema: Schema
    values: tuple[_Value, ...]


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _day_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T16:00:00.000000Z"


def _cases(rng: random.Random, batch: _Batch, year: int, count: int, lead: str) -> list[CaseRow]:
    """`count` cases opened over fiscal year `year`, numbered in the order opened."""
    fy = FiscalYear(year)
    days = sorted(_day_in(rng, fy.start, fy.end) for _ in range(count))
    made = []
    for index, day in enumerate(days, 1):
        kind = _weighted(rng, TYPES)
        number = f"{service.HSI}-{year}-{index:05d}"
        office = _weighted(rng, OFFICES)
        agent = lead if index % 90 == 0 else rng.choice(AGENTS)
        title = f"{rng.choice(TITLE_WORDS[kind])}, {office.removeprefix('HSI ')}"
        row: dict[str, Any] = {"number": number, "title": title, "case_type": kind}
        row |= {"office": office}
        row |= {"opened_on": day.isoformat(), "fiscal_year": year, "lead": agent}
        row |= {"created_at": _stamp(day), "created_by": DEMO_ACTOR}
        batch.cases.append(row)
        batch.members.append(
            {
                "case_number": number,
                "username": agent,
                "added_at": _stamp(day),
                "added_by": DEMO_ACTOR,
            }
        )
        detail = {"title": title, "type": kind, "office": office, "lead": agent}
        batch.event(number, EventKind.OPENED, day, "case opened", **detail)
        made.append(CaseRow(**row))
    return made


def _status_events(rng: random.Random, batch: _Batch, case: CaseRow, closed_share: float) -> None:
    draw = rng.random()
    opened = date.fromisoformat(case.opened_on)
    latest = batch.latest.get(case.number, opened)
    if draw < closed_share:
        day = max(opened + timedelta(days=rng.randrange(90, 700)), latest)
        day += timedelta(days=rng.randrange(14, 120))
        disposition = rng.choice(DISPOSITIONS)
        batch.event(case.number, EventKind.CLOSED, day, disposition, disposition=disposition)
    elif draw < closed_share + 0.08:
        day = max(opened, latest) + timedelta(days=rng.randrange(20, 300))
        batch.event(case.number, EventKind.REFERRED, day, "referred", to=rng.choice(REFERRALS))


def _person(rng: random.Random, key: str) -> _Person:
    schema = model["Person"]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    entity_id = make_entity_id(SOURCE, key)
    assert entity_id is not None
    name = _Value(schema.properties["name"], f"{first} {last}")
    return _Person(entity_id, schema, (name,))


def _arrests(rng: random.Random, batch: _Batch, year: int, count: int, pool: list[CaseRow]) -> None:
    """`count` arrests made in fiscal year `year` on cases of the pool (opened before)."""
    fy = FiscalYear(year)
    for _ in range(count):
        case = rng.choice(pool)
        start = max(date.fromisoformat(case.opened_on), fy.start)
        day = _day_in(rng, start, fy.end)
        batch.arrests_of[case.number] = n = batch.arrests_of.get(case.number, 0) + 1
        _arrest(rng, batch, case, f"{case.number}-A{n:03d}", day)


def _arrest(rng: random.Random, batch: _Batch, case: CaseRow, arrest_id: str, day: date) -> None:
    person = _person(rng, arrest_id)
    subject_id = len(batch.subjects) + 1_000_000
    label = f"{person.values[0].value} (Person)"
    batch.subjects.append(
        {"id": subject_id, "case_number": case.number, "kind": "entity", "key": person.entity_id}
        | {"label": label, "role": "arrestee", "added_at": _stamp(day), "added_by": DEMO_ACTOR}
    )
    batch.keys.append(
        {
            "case_number": case.number,
            "kind": "entity",
            "key": person.entity_id,
            "subject_id": subject_id,
        }
    )
    agency = _weighted(rng, AGENCIES)
    batch.arrests.append(
        {"id": arrest_id, "case_number": case.number, "person": person.entity_id}
        | {"arrested_on": day.isoformat(), "fiscal_year": FiscalYear.of(day).year}
        | {"agency": agency, "recorded_at": _stamp(day), "recorded_by": DEMO_ACTOR}
    )
    batch.event(
        case.number,
        EventKind.SUBJECT_ADDED,
        day,
        "added as arrestee",
        kind="entity",
        key=person.entity_id,
        label=label,
        role="arrestee",
    )
    batch.event(
        case.number,
        EventKind.ARREST_RECORDED,
        day,
        "arrest recorded",
        arrest=arrest_id,
        person=person.entity_id,
        agency=agency,
    )
    for index, statute in enumerate(_statutes(rng, case.case_type), 1):
        _charge(rng, batch, case.number, f"{arrest_id}-C{index:02d}", statute, day)


def _statutes(rng: random.Random, kind: str) -> list[str]:
    chosen = {rng.choice(STATUTES[kind]) for _ in range(rng.choice((1, 1, 2)))}
    return [FEDERAL[s].citation if s in FEDERAL else s for s in sorted(chosen)]


def _charge(
    rng: random.Random, batch: _Batch, number: str, charge_id: str, statute: str, day: date
) -> None:
    arrest_id = charge_id.rsplit("-", 1)[0]
    federal = int(statute.startswith("18 U.S.C."))
    batch.charges.append(
        {"id": charge_id, "arrest_id": arrest_id, "case_number": number, "statute": statute}
        | {"federal": federal, "recorded_at": _stamp(day), "recorded_by": DEMO_ACTOR}
    )
    batch.event(
        number,
        EventKind.CHARGE_FILED,
        day,
        "charge filed",
        arrest=arrest_id,
        charge=charge_id,
        statute=statute,
    )
    for outcome, on in _outcomes(rng, day):
        batch.outcomes.append(
            {"charge_id": charge_id, "case_number": number, "outcome": outcome}
            | {"outcome_on": on.isoformat(), "fiscal_year": FiscalYear.of(on).year}
            | {"recorded_at": _stamp(on), "recorded_by": DEMO_ACTOR}
        )
        batch.event(
            number,
            EventKind.OUTCOME_RECORDED,
            on,
            outcome,
            charge=charge_id,
            outcome=outcome,
            statute=statute,
        )


def _outcomes(rng: random.Random, arrested: date) -> Iterator[tuple[str, date]]:
    """Most charges are indicted within weeks; some end in conviction, a few are dismissed."""
    if rng.random() < 0.22:
        return
    indicted = arrested + timedelta(days=rng.randrange(7, 90))
    yield "indicted", indicted
    draw = rng.random()
    if draw < 0.5:
        yield "convicted", indicted + timedelta(days=rng.randrange(90, 540))
    elif draw < 0.58:
        yield "dismissed", indicted + timedelta(days=rng.randrange(30, 360))


def _write(session: Session, batch: _Batch) -> None:
    # The historic arrestees stay out of the shared entity store: thousands of invented
    # people there would only slow the demo's entity resolution; their names are kept on
    # the subject rows. The rich cases below use the demo world's real entities.
    for model_, rows in (
        (CaseRow, batch.cases),
        (CaseMemberRow, batch.members),
        (CaseSubjectRow, batch.subjects),
        (CaseKeyRow, batch.keys),
        (ArrestRow, batch.arrests),
        (ChargeRow, batch.charges),
        (ChargeOutcomeRow, batch.outcomes),
        (LedgerEventRow, batch.events),
    ):
        insert_rows(session, model_, rows)


@dataclass(frozen=True)
class _Rich:
    title: str
    type_: str
    office: str
    opened_on: str
    lead: Role


RICH = (
    _Rich(
        "Massage parlours advertised online, Houston",
        "sex_trafficking",
        "HSI Houston",
        "2021-02-15",
        Role.INVESTIGATOR,
    ),
    _Rich(
        "Labour recruiter supplying a garment factory",
        "labour_trafficking",
        "HSI San Antonio",
        "2021-04-01",
        Role.INTEL_ANALYST,
    ),
    _Rich(
        "Forced labour in a solar supply chain",
        "forced_labour",
        "HSI Newark",
        "2021-08-02",
        Role.INVESTIGATOR,
    ),
)
RICH_ARRESTS = 1
"""Arrests the rich cases record in FY2021 (the bulk makes the rest of the year's)."""


def _at(day: str) -> FixedClock:
    """The rich cases are worked on the days they happened (their ledger reads as history)."""
    return FixedClock.on(date.fromisoformat(day))


def _rich_cases(session: Session) -> int:
    """The rich cases, opened and worked through the services like anyone's."""
    ring = [e.id for e in entities.find_by_identifier(session, RING_PHONE, "phone")]
    company = session.execute(
        select(StatementRow.entity_id)
        .where(StatementRow.source == DEMO_SOURCE, StatementRow.schema == "Company")
        .order_by(StatementRow.entity_id)
        .limit(1)
    ).scalar_one_or_none()
    opened = []
    for rich in RICH:
        lead = Principal(demo_username(rich.lead), rich.lead, user_id=0)
        on = _at(rich.opened_on)
        row = service.open_case(
            session, lead, rich.title, rich.type_, rich.opened_on, rich.office, clock=on
        )
        opened.append((lead, row.number))
    (houston_lead, houston), (sa_lead, san_antonio), (nj_lead, newark) = opened
    subjects.add_subject(
        session, houston_lead, houston, "phone", RING_PHONE, "phone in ads", clock=_at("2021-02-16")
    )
    if ring:
        subjects.add_subject(
            session,
            houston_lead,
            houston,
            "entity",
            ring[0],
            "suspected trafficker",
            clock=_at("2021-03-02"),
        )
        arrests.record_arrest(
            session,
            houston_lead,
            houston,
            ring[0],
            "2021-06-10",
            "HSI",
            ("1591", "1594"),
            clock=_at("2021-06-10"),
        )
        subjects.add_subject(
            session, sa_lead, san_antonio, "entity", ring[-1], "recruiter", clock=_at("2021-04-06")
        )
    poster = session.execute(
        select(StatementRow.entity_id, StatementRow.value)
        .where(StatementRow.prop == "name", StatementRow.value.like(f"{POSTER_NAME}%"))
        .order_by(StatementRow.entity_id)
        .limit(1)
    ).first()
    if poster is not None:
        entity_id, name = poster
        network = name.removeprefix(POSTER_NAME).strip()
        why = "the network's ads advertise the parlours"
        on = _at("2021-02-20")
        evidence.link(session, houston_lead, houston, "ad_network", network, why, clock=on)
        subjects.add_subject(
            session, houston_lead, houston, "entity", entity_id, "poster of the ads", clock=on
        )
    if company:
        subjects.add_subject(
            session, sa_lead, san_antonio, "entity", company, "employer", clock=_at("2021-04-06")
        )
        why = "buys from the listed supplier"
        evidence.link(session, nj_lead, newark, "entity", company, why, clock=_at("2021-08-03"))
    return len(opened)


def seed_demo(session: Session) -> str:
    """The FY2020 and FY2021 cases and arrests in bulk, then the rich cases (idempotent)."""
    done = select(CaseRow.number).where(CaseRow.created_by == DEMO_ACTOR).limit(1)
    if session.execute(done).first() is not None:
        return "demo cases already seeded"
    rng = random.Random(SEED)
    batch = _Batch()
    lead = demo_username(Role.INVESTIGATOR)
    made = {
        year: _cases(rng, batch, year, n - (len(RICH) if year == 2021 else 0), lead)
        for year, n in CASES.items()
    }
    _arrests(rng, batch, 2020, ARRESTS[2020], made[2020])
    _arrests(rng, batch, 2021, ARRESTS[2021] - RICH_ARRESTS, made[2021] + made[2020][-300:])
    for case in made[2020]:
        _status_events(rng, batch, case, 0.55)
    for case in made[2021]:
        _status_events(rng, batch, case, 0.25)
    _write(session, batch)
    counts = {"cases": len(batch.cases), "arrests": len(batch.arrests), "events": len(batch.events)}
    audit.record(session, DEMO_ACTOR, "cases.demo_seeded", "cases", counts)
    rich = _rich_cases(session)
    arrested = len(batch.arrests) + RICH_ARRESTS
    return f"{len(batch.cases) + rich} cases ({rich} worked step by step), {arrested} arrests"
