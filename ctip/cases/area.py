"""The cases area declared once: investigations with subjects, arrests, charges, evidence
links to other areas' records, deconfliction between cases, and the HSI figures."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ctip.cases import api, commands, demo, metrics, pages, service, subjects, tables
from ctip.cases.access import CaseAction
from ctip.model.area import Area, DemoStep, HomeTile, NavEntry, grants_of
from ctip.store.tables import tables_in

HERE = Path(__file__).parent


def _open_cases(session: Session, username: str) -> int:
    return service.count_open_led_by(session, username)


def _cases_with_notices(session: Session, username: str) -> int:
    return subjects.count_cases_with_notices(session, username)


AREA = Area(
    name="cases",
    title="Cases",
    grants=grants_of(CaseAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Cases",
            "/cases",
            CaseAction.READ,
            "Open and work investigations: subjects, arrests and charges, evidence from the "
            "other areas, a timeline, and deconfliction when another case holds the same people.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={"cases": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo, order=60),
    metrics=metrics.METRICS,
    home=(
        HomeTile(
            "Cases with deconfliction notices",
            "/cases#deconfliction",
            CaseAction.READ,
            _cases_with_notices,
        ),
        HomeTile("Your open cases", "/cases?status=open", CaseAction.READ, _open_cases),
    ),
)
