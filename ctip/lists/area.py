"""Lists declared once: watchlists and forced-labour lists with editions, and screening of
plain names against them."""

from __future__ import annotations

from pathlib import Path

from ctip.lists import api, commands, demo, screen_api, screen_commands, tables
from ctip.lists.access import ListAction
from ctip.model.area import Area, DemoStep, grants_of
from ctip.store.tables import tables_in

AREA = Area(
    name="lists",
    title="Lists",
    grants=grants_of(ListAction),
    routers=(api.router, screen_api.router),
    command_groups={"lists": commands.app},
    commands={"screen": screen_commands.screen},
    tables=tables_in(tables),
    migrations=Path(__file__).parent / "migrations",
    demo=DemoStep(demo.seed_demo, demo.DEMO_ORDER),
)
