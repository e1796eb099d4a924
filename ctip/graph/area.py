"""The link graph declared once: neighbourhoods, paths, communities and centrality over every
entity (it keeps no tables of its own: it reads the store).

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.graph.access import GraphAction
from ctip.model.area import Area, CommandRef, NavEntry, Ref, grants_of

AREA = Area(
    name="graph",
    title="Link graph",
    grants=grants_of(GraphAction),
    routers=(Ref("ctip.graph.api:router"),),
    pages=(Ref("ctip.graph.pages:router"),),
    nav=(
        NavEntry(
            "Link graph",
            "/graph",
            GraphAction.READ,
            "The network around an entity: paths, communities and who sits in the middle.",
        ),
    ),
    templates=Path(__file__).parent / "templates",
    command_groups={
        "graph": CommandRef(
            "ctip.graph.commands:app",
            "The link graph: neighbours, paths, communities, centrality, FtM export.",
        )
    },
)
