"""The protection area, declared once: victims in a need-to-know compartment, Continued
Presence, T and U visas, their deadlines and fiscal-year figures.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

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
from ctip.protection.access import ProtectionAction

HERE = Path(__file__).parent

AREA = Area(
    name="protection",
    title="Protection",
    grants=grants_of(ProtectionAction),
    routers=(Ref("ctip.protection.api:router"),),
    pages=(Ref("ctip.protection.pages:router"),),
    nav=(
        NavEntry(
            "Protection",
            "/protection",
            ProtectionAction.READ,
            "Victims by pseudonym, their identity in a compartment only their specialists "
            "open; Continued Presence, T and U visas with their legal deadlines.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={
        "protection": CommandRef(
            "ctip.protection.commands:app",
            "Victims (identity in a compartment), immigration relief, deadlines.",
        )
    },
    tables=TablesIn("ctip.protection.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.protection.demo:seed_demo")),
    metrics=TupleRef("ctip.protection.metrics:METRICS"),
    home=(
        HomeTile(
            "Relief deadlines in the next 30 days or overdue",
            "/protection/deadlines",
            ProtectionAction.RELIEF_READ,
            FunctionRef("ctip.protection.home:deadlines_due_soon"),
        ),
    ),
)
