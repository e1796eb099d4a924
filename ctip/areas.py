"""The area registry: the one list of areas that the API, the workbench, the CLI, the policy,
the migrations, the demo and the fiscal-year report iterate.

Each area declares itself once, in its own package (`ctip/<area>/area.py`, an `Area`). Adding
an area is a new folder and one line in `AREAS` below. `install` hands the cores what they
hold for the areas (grants to the policy, migration folders to the store); the app factory
and the CLI read the rest from the registry itself.

Importing the registry is cheap: the descriptors name where each area's heavy parts live,
and the registry imports a part where it hands it out (`routers()`, `commands()`...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctip.authz import need_to_know, policy
from ctip.cases.area import AREA as CASES
from ctip.finance.area import AREA as FINANCE
from ctip.graph.area import AREA as GRAPH
from ctip.intake.area import AREA as INTAKE
from ctip.lists import formats
from ctip.lists.area import AREA as LISTS
from ctip.model import figures
from ctip.model.area import Area, CommandRef, HomeTile, Metric, NavEntry, resolve
from ctip.networks.area import AREA as NETWORKS
from ctip.outreach.area import AREA as OUTREACH
from ctip.protection.area import AREA as PROTECTION
from ctip.reporting.area import AREA as REPORTING
from ctip.resolve.area import AREA as RESOLVE
from ctip.store import area_migrations
from ctip.trade.area import AREA as TRADE

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.orm import Session

AREAS: tuple[Area, ...] = (
    LISTS,
    GRAPH,
    NETWORKS,
    TRADE,
    FINANCE,
    CASES,
    PROTECTION,
    INTAKE,
    OUTREACH,
    REPORTING,
    RESOLVE,
)
"""Every area, in the order of the workbench's navigation."""


@dataclass(frozen=True)
class Registry:
    """A set of areas and what they contribute, gathered for each consumer."""

    areas: tuple[Area, ...]

    def __post_init__(self) -> None:
        names = [area.name for area in self.areas]
        if len(set(names)) != len(names):
            raise ValueError(f"an area is registered twice: {names}")

    def routers(self) -> Iterator[APIRouter]:
        """Every area's API routers (mounted under /api/v1)."""
        for area in self.areas:
            yield from area.api_routers()

    def pages(self) -> Iterator[APIRouter]:
        """Every area's workbench page routers."""
        for area in self.areas:
            yield from area.page_routers()

    def navigation(self) -> tuple[NavEntry, ...]:
        """Every area's navigation entries, in registry order."""
        return tuple(entry for area in self.areas for entry in area.nav)

    def template_dirs(self) -> tuple[Path, ...]:
        """Every area's template folder."""
        return tuple(area.templates for area in self.areas if area.templates is not None)

    def command_groups(self) -> Iterator[tuple[str, typer.Typer]]:
        """(name, group) of every `ctip NAME ...` group, imported."""
        for name, group in self.declared_command_groups():
            yield name, resolve(group)

    def commands(self) -> Iterator[tuple[str, Callable[..., Any]]]:
        """(name, function) of every single `ctip NAME` command, imported."""
        for name, command in self.declared_commands():
            yield name, resolve(command)

    def declared_command_groups(
        self,
    ) -> Iterator[tuple[str, typer.Typer | CommandRef[typer.Typer]]]:
        """(name, group or where it lives) of every `ctip NAME ...` group, nothing imported:
        what the CLI lists."""
        for area in self.areas:
            yield from area.command_groups.items()

    def declared_commands(
        self,
    ) -> Iterator[tuple[str, Callable[..., Any] | CommandRef[Callable[..., Any]]]]:
        """(name, function or where it lives) of every single `ctip NAME` command."""
        for area in self.areas:
            yield from area.commands.items()

    def table_models(self) -> tuple[type, ...]:
        """Every area's table models, imported: after this the shared `Base.metadata` holds
        every table (what a comparison with the migrations needs; nothing else does)."""
        return tuple(model for area in self.areas for model in area.table_models())

    def migration_dirs(self) -> tuple[Path, ...]:
        """Every area's Alembic versions folder."""
        return tuple(area.migrations for area in self.areas if area.migrations is not None)

    def demo_steps(self) -> list[tuple[str, Callable[[Session], str]]]:
        """(area, seed) in demo order: lists first, resolution last, the rest by name."""
        steps = [(a.demo.order, a.name, a.demo.seed) for a in self.areas if a.demo is not None]
        return [(name, seed) for _order, name, seed in sorted(steps, key=lambda s: s[:2])]

    def metrics(self) -> Iterator[tuple[str, Metric]]:
        """(area, metric) of every fiscal-year figure the areas compute."""
        for area in self.areas:
            for metric in area.metric_list():
                yield area.name, metric

    def home_tiles(self) -> tuple[HomeTile, ...]:
        """Every area's counts of a person's own work, in registry order."""
        return tuple(tile for area in self.areas for tile in area.home_tiles())

    def install(self) -> None:
        """Hand the cores what they keep for the areas: grants, owned entity sources, list
        formats, migrations, fiscal-year metrics. Nothing of an area is imported here: readers
        and metrics given as refs are imported by the core on first use."""
        for area in self.areas:
            policy.declare_grants(area.grants)
            need_to_know.declare_sources(area.entity_sources)
            formats.declare_formats(area.list_formats)
            figures.declare_metrics(area.name, area.metrics)
        area_migrations.add_version_locations(self.migration_dirs())

    def uninstall(self) -> None:
        """Take back what `install` handed over (a throwaway area in a test)."""
        for area in self.areas:
            policy.withdraw_grants(area.grants)
            need_to_know.withdraw_sources(area.entity_sources)
            formats.withdraw_formats(area.list_formats)
            figures.withdraw_metrics(area.name)
        area_migrations.remove_version_locations(self.migration_dirs())


REGISTRY = Registry(AREAS)
REGISTRY.install()
