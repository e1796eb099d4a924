"""The cases area declared once: investigations with subjects, arrests, charges, evidence
links to other areas' records, deconfliction between cases, and the HSI figures.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.cases.access import CaseAction
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

HERE = Path(__file__).parent

AREA = Area(
    name="cases",
    title="Cases",
    grants=grants_of(CaseAction),
    routers=(Ref("ctip.cases.api:router"),),
    pages=(Ref("ctip.cases.pages:router"),),
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
    command_groups={
        "cases": CommandRef(
            "ctip.cases.commands:app", "Investigations: cases, subjects, arrests, evidence."
        )
    },
    tables=TablesIn("ctip.cases.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.cases.demo:seed_demo"), order=60),
    metrics=TupleRef("ctip.cases.metrics:METRICS"),
    home=(
        HomeTile(
            "Cases with deconfliction notices",
            "/cases#deconfliction",
            CaseAction.READ,
            FunctionRef("ctip.cases.subjects:count_cases_with_notices"),
        ),
        HomeTile(
            "Your open cases",
            "/cases?status=open",
            CaseAction.READ,
            FunctionRef("ctip.cases.service:count_open_led_by"),
        ),
    ),
)
