"""The outreach area declared once: trainings, presentations, partners and materials."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ctip.model.area import Area, DemoStep, HomeTile, NavEntry, grants_of
from ctip.model.clock import SYSTEM_CLOCK
from ctip.outreach import api, commands, demo, metrics, pages, records, tables
from ctip.outreach.access import OutreachAction
from ctip.store.tables import tables_in

HERE = Path(__file__).parent


def _coming_up(session: Session, _username: str) -> int:
    """The outreach calendar: trainings and presentations in the next 30 days."""
    return records.upcoming(session, SYSTEM_CLOCK.today())


AREA = Area(
    name="outreach",
    title="Outreach",
    grants=grants_of(OutreachAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Outreach",
            "/outreach",
            OutreachAction.READ,
            "Trainings (FLETC, CBP, TSA), Blue Campaign presentations, Blue Lightning partners "
            "and materials handed out.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={"outreach": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo),
    metrics=metrics.METRICS,
    home=(
        HomeTile(
            "trainings and presentations in the next 30 days",
            "/outreach?upcoming=1&sort=held_on&dir=asc",
            OutreachAction.READ,
            _coming_up,
        ),
    ),
)
