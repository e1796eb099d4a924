"""The link graph declared once: neighbourhoods, paths, communities and centrality over every
entity (it keeps no tables of its own: it reads the store)."""

from __future__ import annotations

from pathlib import Path

from ctip.graph import api, commands, pages
from ctip.graph.access import GraphAction
from ctip.model.area import Area, NavEntry, grants_of

AREA = Area(
    name="graph",
    title="Link graph",
    grants=grants_of(GraphAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Link graph",
            "/graph",
            GraphAction.READ,
            "The network around an entity: paths, communities and who sits in the middle.",
        ),
    ),
    templates=Path(__file__).parent / "templates",
    command_groups={"graph": commands.app},
)
