"""Entity resolution declared once: clusters with stable ids and analysts' judgements."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import Area, DemoStep, NavEntry, grants_of
from ctip.resolve import api, commands, demo, pages, tables
from ctip.resolve.access import ResolveAction
from ctip.store.tables import tables_in

HERE = Path(__file__).parent

AREA = Area(
    name="resolve",
    title="Entity resolution",
    grants=grants_of(ResolveAction),
    routers=(api.router,),
    pages=(pages.router,),
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
    command_groups={"clusters": commands.clusters_app},
    commands={"resolve": commands.resolve_file},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo, demo.DEMO_ORDER),
)
