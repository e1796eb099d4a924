"""The networks area declared once: online ads, what they give away, and the networks behind
them."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import Area, DemoStep, NavEntry, grants_of
from ctip.networks import api, commands, demo, pages, tables
from ctip.networks.access import NetworkAction
from ctip.store.tables import tables_in

HERE = Path(__file__).parent

AREA = Area(
    name="networks",
    title="Networks",
    grants=grants_of(NetworkAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Networks",
            "/networks",
            NetworkAction.READ,
            "Online ads joined by shared phones, accounts and reused text, drawn as networks.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={"networks": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo),
)
