"""Entity resolution declared once: clusters with stable ids and analysts' judgements.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import (
    Area,
    CommandRef,
    DemoStep,
    FunctionRef,
    NavEntry,
    Ref,
    TablesIn,
    grants_of,
)
from ctip.resolve.access import ResolveAction

HERE = Path(__file__).parent

AREA = Area(
    name="resolve",
    title="Entity resolution",
    grants=grants_of(ResolveAction),
    routers=(Ref("ctip.resolve.api:router"),),
    pages=(Ref("ctip.resolve.pages:router"),),
    nav=(
        NavEntry(
            "Entity resolution",
            "/resolve",
            ResolveAction.READ,
            "The same person or organisation across sources: clusters with stable ids, the "
            "evidence for every link, and analysts' confirm or reject decisions.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={
        "clusters": CommandRef(
            "ctip.resolve.commands:clusters_app", "Resolved clusters and analysts' judgements."
        )
    },
    commands={
        "resolve": CommandRef(
            "ctip.resolve.commands:resolve_file",
            "Resolve a plain CSV of records into clusters, or (--store) the entities in the store.",
        )
    },
    tables=TablesIn("ctip.resolve.tables"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.resolve.demo:seed_demo"), order=90),  # last: resolves all
)
