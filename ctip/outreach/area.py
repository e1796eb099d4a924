"""The outreach area declared once: trainings, presentations, partners and materials.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ctip.model.area import (
    Area,
    CommandRef,
    DemoStep,
    FunctionRef,
    HomeTile,
    NavEntry,
    Ref,
    TablesIn,
    TupleRef,
    grants_of,
)
from ctip.model.clock import SYSTEM_CLOCK
from ctip.outreach.access import OutreachAction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

HERE = Path(__file__).parent
_upcoming = FunctionRef("ctip.outreach.records:upcoming")


def _coming_up(session: Session, _username: str) -> int:
    """The outreach calendar: trainings and presentations in the next 30 days."""
    return int(_upcoming(session, SYSTEM_CLOCK.today()))


AREA = Area(
    name="outreach",
    title="Outreach",
    grants=grants_of(OutreachAction),
    routers=(Ref("ctip.outreach.api:router"),),
    pages=(Ref("ctip.outreach.pages:router"),),
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
    command_groups={
        "outreach": CommandRef(
            "ctip.outreach.commands:app", "Trainings, presentations, partners and materials."
        )
    },
    tables=TablesIn("ctip.outreach.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.outreach.demo:seed_demo")),
    metrics=TupleRef("ctip.outreach.metrics:METRICS"),
    home=(
        HomeTile(
            "trainings and presentations in the next 30 days",
            "/outreach?upcoming=1&sort=held_on&dir=asc",
            OutreachAction.READ,
            _coming_up,
        ),
    ),
)
