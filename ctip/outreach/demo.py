"""The outreach part of the demo world: FY2020 and FY2021 trainings, presentations and partners
that give the source document's figures when counted (68 Blue Campaign presentations to more
than 4,500 attendees, 28 new Blue Lightning partners, more than 3,300 officers trained by
FLETC), spread over the year as real outreach is, plus a few events on the coming calendar.

Seeded (the same records every run) and loaded as CSV files through the outreach loaders, so
a re-run loads nothing twice; the rows go in as one bulk insert per file.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.demo.world import demo_username
from ctip.model.calendar import FiscalYear
from ctip.model.roles import Role
from ctip.outreach import imports
from ctip.outreach.records import BLUE_CAMPAIGN, FLETC
from ctip.outreach.tables import ActivityRow, MaterialRow
from ctip.store.bulk import insert_rows
from ctip.store.db import utc_now

SEED = 2021_0930
ACTOR = demo_username(Role.OUTREACH)


@dataclass(frozen=True)
class YearPlan:
    """What one fiscal year's records add up to."""

    year: int
    presentations: int
    attendees: int
    fletc_courses: int
    fletc_officers: int
    partners: int


PLANS = (
    YearPlan(2020, 52, 3_612, 38, 2_874, 19),
    YearPlan(2021, 68, 4_563, 44, 3_342, 28),
)
"""FY2021 as the source document publishes it; FY2020 a plausible year before (fewer in-person
events in the first pandemic year)."""
PRESENTATION_AUDIENCES = (
    "transport staff",
    "hospitality staff",
    "youth workers",
    "educators",
    "health care workers",
    "faith and community groups",
    "general public",
)
FLETC_AUDIENCES = (
    "law enforcement basic training",
    "law enforcement advanced training",
    "CBP officers",
    "TSA officers",
)
FLETC_COURSES = (
    "Human Trafficking Awareness (basic)",
    "Human Trafficking Investigations",
    "Victim-Centered Approach",
    "Indicators of Trafficking at Ports of Entry",
)
FLETC_PLACES = ("FLETC Glynco, GA", "FLETC Artesia, NM", "FLETC Charleston, SC", "Online")
PLACES = (
    "Atlanta, GA",
    "Houston, TX",
    "Los Angeles, CA",
    "Chicago, IL",
    "Miami, FL",
    "Newark, NJ",
    "Seattle, WA",
    "Phoenix, AZ",
    "Denver, CO",
    "Virtual",
)
PRESENTATION_TITLES = (
    "Recognizing the Indicators of Human Trafficking",
    "Blue Campaign: What Is Human Trafficking?",
    "Human Trafficking and the Hospitality Industry",
    "Protecting Youth from Online Exploitation",
    "Forced Labor in Supply Chains",
)
OTHER_TRAININGS = (
    ("CBP", "CBP officers", "Forced Labor Indicators for Trade Officers"),
    ("TSA", "TSA officers", "Blue Lightning: Indicators in Air Travel"),
)
AIRLINE_WORDS = ("Cascade", "Gulf", "Prairie", "Summit", "Harbor", "Desert", "Lakes", "Coastal")
AIRLINE_KINDS = ("Airways", "Air", "Regional Airlines", "Aviation Services", "Airport Authority")
SECTORS = ("airline", "airport", "aviation services", "industry association")
MATERIALS = (
    "Indicator cards (English/Spanish)",
    "Blue Campaign posters",
    "Shoe cards for airport staff",
    "Hotline wallet cards",
)


def _split(rng: random.Random, total: int, parts: int, low: int) -> list[int]:
    """`total` split into `parts` whole numbers of at least `low`, unevenly as real events are."""
    weights = [rng.uniform(0.5, 1.8) for _ in range(parts)]
    spare = total - low * parts
    shares = [low + int(spare * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _days(rng: random.Random, year: int, count: int) -> list[date]:
    """Working days of the fiscal year, fewer in late December and in summer."""
    start = FiscalYear(year).start
    days: list[date] = []
    while len(days) < count:
        day = start + timedelta(days=rng.randrange(365))
        quiet = (day.month == 12 and day.day > 20) or day.month in (7, 8)
        if day.weekday() < 5 and not (quiet and rng.random() < 0.6):
            days.append(day)
    return sorted(days)


def _activities(rng: random.Random, plan: YearPlan) -> list[list[str]]:
    rows: list[list[str]] = []
    heads = _split(rng, plan.attendees, plan.presentations, 15)
    for day, head in zip(_days(rng, plan.year, plan.presentations), heads, strict=True):
        title, audience = rng.choice(PRESENTATION_TITLES), rng.choice(PRESENTATION_AUDIENCES)
        component = "" if rng.random() < 0.5 else BLUE_CAMPAIGN  # blank is the Blue Campaign's
        rows.append(["presentation", title, component, audience, str(day), _place(rng), str(head)])
    heads = _split(rng, plan.fletc_officers, plan.fletc_courses, 12)
    for day, head in zip(_days(rng, plan.year, plan.fletc_courses), heads, strict=True):
        course, audience = rng.choice(FLETC_COURSES), rng.choice(FLETC_AUDIENCES)
        rows.append(["training", course, FLETC, audience, str(day), _fletc(rng), str(head)])
    for component, audience, title in OTHER_TRAININGS:
        for day in _days(rng, plan.year, 6):
            size = str(rng.randrange(12, 60))
            rows.append(["training", title, component, audience, str(day), _place(rng), size])
    return rows


def _place(rng: random.Random) -> str:
    return rng.choice(PLACES)


def _fletc(rng: random.Random) -> str:
    return rng.choice(FLETC_PLACES)


def _partners(rng: random.Random, plan: YearPlan) -> list[list[str]]:
    rows = []
    for number, day in enumerate(_days(rng, plan.year, plan.partners)):
        name = (
            f"{rng.choice(AIRLINE_WORDS)} {rng.choice(AIRLINE_KINDS)} {plan.year % 100}{number:02d}"
        )
        rows.append([name, "Blue Lightning Initiative", rng.choice(SECTORS), str(day)])
    return rows


def _csv(header: Sequence[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _calendar(rng: random.Random, today: date) -> list[list[str]]:
    """A few presentations and a course in the coming weeks (the outreach calendar)."""
    rows = []
    for offset in (3, 9, 16, 24):
        day = today + timedelta(days=offset)
        title, audience = rng.choice(PRESENTATION_TITLES), rng.choice(PRESENTATION_AUDIENCES)
        rows.append(["presentation", title, "", audience, str(day), _place(rng), "0"])
    rows.append(
        [
            "training",
            FLETC_COURSES[0],
            FLETC,
            FLETC_AUDIENCES[0],
            str(today + timedelta(12)),
            FLETC_PLACES[0],
            "0",
        ]
    )
    return rows


def _materials(session: Session, rng: random.Random) -> None:
    """Materials handed out over FY2021, once (a few bulk rows, one audit row)."""
    if session.scalar(select(func.count()).select_from(MaterialRow)):
        return
    at = utc_now()
    rows = [
        {
            "title": rng.choice(MATERIALS),
            "component": BLUE_CAMPAIGN,
            "distributed_on": str(day),
            "place": _place(rng),
            "quantity": rng.randrange(50, 2_000, 50),
            "recorded_by": ACTOR,
            "recorded_at": at,
        }
        for day in _days(rng, 2021, 24)
    ]
    insert_rows(session, MaterialRow, rows)
    audit.record(session, ACTOR, "outreach.material.add", "outreach_material:demo", {"rows": 24})


def seed_demo(session: Session) -> str:
    """Load the two years' outreach and the coming calendar; say what the FY2021 records hold."""
    rng = random.Random(SEED)
    activities = [row for plan in PLANS for row in _activities(rng, plan)]
    partners = [row for plan in PLANS for row in _partners(rng, plan)]
    header = ("kind", "title", "component", "audience", "date", "place", "attendees")
    imports.load_activities(session, _csv(header, activities), "demo-outreach.csv", ACTOR)
    partner_header = ("name", "initiative", "sector", "joined")
    imports.load_partners(session, _csv(partner_header, partners), "demo-partners.csv", ACTOR)
    _materials(session, rng)
    today = date.today()
    upcoming = select(func.count()).where(ActivityRow.held_on > today.isoformat())
    if not session.scalar(upcoming.select_from(ActivityRow)):
        calendar = _calendar(rng, today)
        imports.load_activities(session, _csv(header, calendar), "demo-calendar.csv", ACTOR)
    return f"{len(activities)} trainings and presentations, {len(partners)} partners"
