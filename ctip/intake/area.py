"""The intake area declared once: front-line encounter screenings, public tips and
forced-labour allegations, and the triage of both."""

from __future__ import annotations

from pathlib import Path

from ctip.intake import api, commands, demo, metrics, pages, queues, tables
from ctip.intake.access import IntakeAction
from ctip.model.area import Area, DemoStep, HomeTile, NavEntry, grants_of
from ctip.store.tables import tables_in

HERE = Path(__file__).parent

AREA = Area(
    name="intake",
    title="Intake",
    grants=grants_of(IntakeAction),
    routers=(api.public, api.router),
    pages=(pages.router,),
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
    command_groups={"intake": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo, order=60),
    metrics=metrics.METRICS,
    home=(
        HomeTile(
            "Tips to triage", "/intake/tips?status=new", IntakeAction.TRIAGE, queues.tips_to_triage
        ),
        HomeTile(
            "Your screenings in the last 30 days",
            "/intake/screenings",
            IntakeAction.SCREEN,
            queues.recent_screenings,
        ),
        HomeTile(
            "Allegations to review",
            "/intake/allegations?status=new",
            IntakeAction.REVIEW_ALLEGATIONS,
            queues.allegations_to_review,
        ),
    ),
)
