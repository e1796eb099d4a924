"""What an area declares about itself, once, in its own package (`ctip/<area>/area.py`).

The registry (`ctip.areas`) lists the areas; the API, the workbench, the CLI, the policy, the
migrations, the demo and the fiscal-year report iterate it. Nothing outside an area's folder
names the area, so adding one is a new folder and one line in the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from ctip.model.roles import Role

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.orm import Session

Grants = Mapping[StrEnum, frozenset[Role]]
"""Each action an area adds, with the roles granted it (everyone else is refused)."""


class AreaAction(StrEnum):
    """An area's action declared with the roles granted it, so the grant sits beside the name:

    class TradeAction(AreaAction):
        READ = "trade:read", ANALYSTS
    """

    roles: frozenset[Role]

    def __new__(cls, value: str, roles: frozenset[Role]) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.roles = frozenset(roles)
        return member


def grants_of(*actions: type[AreaAction]) -> Grants:
    """Action -> roles of every member of the given action enums."""
    return {member: member.roles for enum in actions for member in enum}


@dataclass(frozen=True)
class NavEntry:
    """A workbench page in the navigation and on the home page, shown to the roles that may
    open it (so a link never leads to a refusal)."""

    title: str
    path: str
    action: StrEnum
    description: str


@dataclass(frozen=True)
class DemoStep:
    """An area's part of the demo world: a seed that returns one line saying what it made.

    `order` puts the steps in sequence (lists first, resolution last); a seed is idempotent.
    """

    seed: Callable[[Session], str]
    order: int = 50


@dataclass(frozen=True)
class Metric:
    """One fiscal-year figure, computed from an area's records every time it is asked for."""

    id: str
    label: str
    compute: Callable[[Session, int], int | float]
    records: str = ""
    """The workbench page listing the records behind the figure ("{year}" is replaced by the
    fiscal year); empty when there is none. Linked only for roles that may open it."""
    action: StrEnum | None = None
    """The action that opens `records` (who may follow the link)."""
    breakdown: Callable[[Session, int], Mapping[str, int]] | None = None
    """The figure split by a category (case type, component...); published with cells under
    11 suppressed."""


@dataclass(frozen=True)
class HomeTile:
    """A count of the signed-in person's own work on their home page, with a link to it
    ("Detentions due in 5 days: 3"). Shown only to the roles granted `action`."""

    label: str
    path: str
    action: StrEnum
    count: Callable[[Session, str], int]
    """(session, username) -> how many items wait for this person; computed on every view."""


@dataclass(frozen=True)
class Area:
    """One area of ctip: everything the platform needs to mount it."""

    name: str
    title: str
    grants: Grants = field(default_factory=dict)
    routers: tuple[APIRouter, ...] = ()
    """API routers, mounted under /api/v1."""
    pages: tuple[APIRouter, ...] = ()
    """Workbench page routers."""
    nav: tuple[NavEntry, ...] = ()
    templates: Path | None = None
    """A folder of Jinja templates (named `<area>/...` inside it)."""
    command_groups: Mapping[str, typer.Typer] = field(default_factory=dict)
    """`ctip NAME ...` sub-command groups."""
    commands: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    """`ctip NAME` single commands."""
    tables: tuple[type, ...] = ()
    """The SQLAlchemy models of the area's tables (on the shared `Base`)."""
    migrations: Path | None = None
    """The area's Alembic versions folder; its first revision branches from the foundation."""
    demo: DemoStep | None = None
    metrics: tuple[Metric, ...] = ()
    home: tuple[HomeTile, ...] = ()
    """Counts of the person's own work, on the home page of the roles that may act on them."""
    list_formats: Mapping[str, Callable[[bytes, str, str], Any]] = field(default_factory=dict)
    """Formats this area's lists load from: (bytes, file name, list name) -> a PreparedList."""
    entity_sources: Mapping[str, StrEnum] = field(default_factory=dict)
    """The FtM sources this area writes to the shared entity store and owns, each with the
    action that opens them (`{"ads": NetworkAction.READ}`): a role refused that action does
    not see their statements anywhere, and an entity stated only by them does not exist for
    it (`ctip.authz.need_to_know`)."""

    @property
    def table_names(self) -> frozenset[str]:
        """The names of the area's tables."""
        return frozenset(str(getattr(model, "__tablename__", "")) for model in self.tables)
