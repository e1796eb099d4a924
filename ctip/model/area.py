"""What an area declares about itself, once, in its own package (`ctip/<area>/area.py`).

The registry (`ctip.areas`) lists the areas; the API, the workbench, the CLI, the policy, the
migrations, the demo and the fiscal-year report iterate it. Nothing outside an area's folder
names the area, so adding one is a new folder and one line in the registry.

A descriptor names where its heavy parts live (`Ref("ctip.finance.api:router")`), as plug-in
systems name their entry points, and each part is imported the first time it is used: the
CLI lists every command from the descriptors alone, so `ctip --help` imports no area's
services, and `ctip finance ...` imports the finance commands only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, reduce
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast, overload

from ctip.model.roles import Role

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Ref(Generic[T]):
    """Where a part lives, `"package.module:attribute"` (or a bare module), imported the first
    time `load` is called and kept; declaring it imports nothing."""

    target: str

    def load(self) -> T:
        """The part itself (ImportError or AttributeError when the target is wrong)."""
        return cast(T, _import(self.target))


@cache
def _import(target: str) -> object:
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return reduce(getattr, attribute.split("."), module) if attribute else module


@dataclass(frozen=True)
class FunctionRef(Ref[Callable[..., Any]]):
    """A function named by where it lives, usable wherever the function is (a demo seed, a
    metric's `compute`, a home tile's `count`, a list format's reader): the first call
    imports it."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.load()(*args, **kwargs)


@dataclass(frozen=True)
class CommandRef(Ref[T]):
    """A `ctip NAME` group (a `typer.Typer`) or single command (a function), and the line
    `ctip --help` shows for it: the first paragraph of its own help, declared here so the
    listing imports nothing (a test holds the two equal)."""

    help: str


@dataclass(frozen=True)
class TupleRef(Ref[tuple[T, ...]], Sequence[T]):
    """A tuple named by where it lives (an area's metrics, its home tiles), usable as the
    tuple itself: the first look inside imports it."""

    def __iter__(self) -> Iterator[T]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.load()[index]


def resolve(part: T | Ref[T]) -> T:
    """A part given as itself or as a `Ref` (a test's throwaway area gives objects)."""
    return part.load() if isinstance(part, Ref) else part


@dataclass(frozen=True)
class TablesIn(Sequence[type]):
    """The modules defining an area's tables (every model class a module defines is one),
    usable as the tuple of models: the first look inside imports the modules."""

    modules: tuple[str, ...]

    def __init__(self, *modules: str) -> None:
        object.__setattr__(self, "modules", modules)

    def load(self) -> tuple[type, ...]:
        """The model classes, in the order their modules define them."""
        return tuple(model for name in self.modules for model in _models_of(_module(name)))

    def __iter__(self) -> Iterator[type]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    @overload
    def __getitem__(self, index: int) -> type: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[type, ...]: ...

    def __getitem__(self, index: int | slice) -> type | tuple[type, ...]:
        return self.load()[index]


def _module(name: str) -> ModuleType:
    return cast(ModuleType, _import(name))


def _models_of(module: ModuleType) -> list[type]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and "__tablename__" in vars(value)
        and value.__module__ == module.__name__
    ]


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


Metrics = tuple[Metric, ...] | TupleRef[Metric]
"""An area's fiscal-year figures, or where they are declared (loaded when first reported)."""
HomeTiles = tuple[HomeTile, ...] | TupleRef[HomeTile]


@dataclass(frozen=True)
class Area:
    """One area of ctip: everything the platform needs to mount it.

    Heavy parts (routers, pages, commands, tables, metrics, tiles, seeds, readers) may be given
    as a `Ref` to where they live, and are imported on first use; the rest is plain data.
    """

    name: str
    title: str
    grants: Grants = field(default_factory=dict)
    routers: tuple[APIRouter | Ref[APIRouter], ...] = ()
    """API routers, mounted under /api/v1."""
    pages: tuple[APIRouter | Ref[APIRouter], ...] = ()
    """Workbench page routers."""
    nav: tuple[NavEntry, ...] = ()
    templates: Path | None = None
    """A folder of Jinja templates (named `<area>/...` inside it)."""
    command_groups: Mapping[str, typer.Typer | CommandRef[typer.Typer]] = field(
        default_factory=dict
    )
    """`ctip NAME ...` sub-command groups."""
    commands: Mapping[str, Callable[..., Any] | CommandRef[Callable[..., Any]]] = field(
        default_factory=dict
    )
    """`ctip NAME` single commands."""
    tables: tuple[type, ...] | TablesIn = ()
    """The SQLAlchemy models of the area's tables (on the shared `Base`), or their modules."""
    migrations: Path | None = None
    """The area's Alembic versions folder; its first revision branches from the foundation."""
    demo: DemoStep | None = None
    metrics: Metrics = ()
    home: HomeTiles = ()
    """Counts of the person's own work, on the home page of the roles that may act on them."""
    list_formats: Mapping[str, Callable[[bytes, str, str], Any]] = field(default_factory=dict)
    """Formats this area's lists load from: (bytes, file name, list name) -> a PreparedList."""
    entity_sources: Mapping[str, StrEnum] = field(default_factory=dict)
    """The FtM sources this area writes to the shared entity store and owns, each with the
    action that opens them (`{"ads": NetworkAction.READ}`): a role refused that action does
    not see their statements anywhere, and an entity stated only by them does not exist for
    it (`ctip.authz.need_to_know`)."""

    def api_routers(self) -> tuple[APIRouter, ...]:
        """The API routers, imported."""
        return tuple(resolve(router) for router in self.routers)

    def page_routers(self) -> tuple[APIRouter, ...]:
        """The workbench page routers, imported."""
        return tuple(resolve(router) for router in self.pages)

    def table_models(self) -> tuple[type, ...]:
        """The models of the area's tables, imported."""
        return tuple(self.tables)

    @property
    def table_names(self) -> frozenset[str]:
        """The names of the area's tables."""
        return frozenset(str(getattr(model, "__tablename__", "")) for model in self.table_models())

    def metric_list(self) -> tuple[Metric, ...]:
        """The fiscal-year figures, imported."""
        return tuple(self.metrics)

    def home_tiles(self) -> tuple[HomeTile, ...]:
        """The home-page counts, imported."""
        return tuple(self.home)
