"""Lists declared once: watchlists and forced-labour lists with editions, and screening of
plain names against them.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.lists.access import ListAction
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

AREA = Area(
    name="lists",
    title="Lists",
    grants=grants_of(ListAction),
    routers=(Ref("ctip.lists.api:router"), Ref("ctip.lists.screen_api:router")),
    pages=(Ref("ctip.lists.pages:router"),),
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
    command_groups={
        "lists": CommandRef(
            "ctip.lists.commands:app",
            "Watchlists with editions: load, list, show, diff; approve official editions.",
        )
    },
    commands={
        "screen": CommandRef(
            "ctip.lists.screen_commands:screen",
            "Screen a CSV of names against a loaded list; write every match and near miss.",
        )
    },
    tables=TablesIn("ctip.lists.tables"),
    migrations=Path(__file__).parent / "migrations",
    demo=DemoStep(FunctionRef("ctip.lists.demo:seed_demo"), order=10),  # first: others screen
)
