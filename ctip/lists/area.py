"""Lists declared once: watchlists and forced-labour lists with editions, and screening of
plain names against them."""

from __future__ import annotations

from pathlib import Path

from ctip.lists import api, commands, demo, pages, screen_api, screen_commands, tables
from ctip.lists.access import ListAction
from ctip.model.area import Area, DemoStep, NavEntry, grants_of
from ctip.store.tables import tables_in

AREA = Area(
    name="lists",
    title="Lists",
    grants=grants_of(ListAction),
    routers=(api.router, screen_api.router),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Lists",
            "/lists",
            ListAction.READ,
            "Watchlists and forced-labour lists with their editions: what screening runs "
            "against, each entry searchable, and new editions loaded from a file.",
        ),
        NavEntry(
            "Screen names",
            "/screen",
            ListAction.SCREEN,
            "Paste names or upload a file, screen them against the lists you choose and read "
            "every hit with the reasons behind its score.",
        ),
    ),
    templates=Path(__file__).parent / "templates",
    command_groups={"lists": commands.app},
    commands={"screen": screen_commands.screen},
    tables=tables_in(tables),
    migrations=Path(__file__).parent / "migrations",
    demo=DemoStep(demo.seed_demo, demo.DEMO_ORDER),
)
