"""The intake area declared once: front-line encounter screenings, public tips and
forced-labour allegations, and the triage of both.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.intake.access import IntakeAction
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
    name="intake",
    title="Intake",
    grants=grants_of(IntakeAction),
    routers=(Ref("ctip.intake.api:public"), Ref("ctip.intake.api:router")),
    pages=(Ref("ctip.intake.pages:router"),),
    nav=(
        NavEntry(
            "Screenings",
            "/intake/screenings",
            IntakeAction.SCREEN,
            "Record an encounter screening from published trafficking indicators, see why it "
            "scored as it did, and refer it to the HSI tip queue or a case.",
        ),
        NavEntry(
            "Tips",
            "/intake/tips",
            IntakeAction.TRIAGE,
            "Triage public tips and referred screenings: duplicates and store matches, "
            "explained; accept into a case, refer or close.",
        ),
        NavEntry(
            "Allegations",
            "/intake/allegations",
            IntakeAction.REVIEW_ALLEGATIONS,
            "Review forced-labour allegations from NGOs and the public, matched against the "
            "reference lists in effect.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={
        "intake": CommandRef(
            "ctip.intake.commands:app",
            "Tips, forced-labour allegations and encounter screenings.",
        )
    },
    tables=TablesIn("ctip.intake.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.intake.demo:seed_demo"), order=60),
    metrics=TupleRef("ctip.intake.metrics:METRICS"),
    home=(
        HomeTile(
            "Tips to triage",
            "/intake/tips?status=new",
            IntakeAction.TRIAGE,
            FunctionRef("ctip.intake.queues:tips_to_triage"),
        ),
        HomeTile(
            "Your screenings in the last 30 days",
            "/intake/screenings",
            IntakeAction.SCREEN,
            FunctionRef("ctip.intake.queues:recent_screenings"),
        ),
        HomeTile(
            "Allegations to review",
            "/intake/allegations?status=new",
            IntakeAction.REVIEW_ALLEGATIONS,
            FunctionRef("ctip.intake.queues:allegations_to_review"),
        ),
    ),
)
