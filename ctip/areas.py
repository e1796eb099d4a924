"""Discovery of what each area contributes: its tables and its part of the demo world.

Areas never import each other; the platform finds `ctip.<area>.tables` (SQLAlchemy models on
the shared `Base`) and `ctip.<area>.demo` (a `seed_demo(session) -> str` function) by name, so a
new area plugs in without editing a central list.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType

from sqlalchemy.orm import Session

import ctip

DemoSeed = Callable[[Session], str]


def area_modules(name: str) -> Iterator[ModuleType]:
    """`ctip.<area>.<name>` for every area package that has such a module, by area name."""
    for package in sorted(pkgutil.iter_modules(ctip.__path__), key=lambda p: p.name):
        if not package.ispkg:
            continue
        module_name = f"ctip.{package.name}.{name}"
        if importlib.util.find_spec(module_name) is not None:
            yield importlib.import_module(module_name)


def load_area_tables() -> None:
    """Import every area's tables so they are on `Base.metadata` (migrations, drift test)."""
    for _module in area_modules("tables"):
        pass


DEFAULT_DEMO_ORDER = 50


def demo_seeds() -> list[tuple[str, DemoSeed]]:
    """(area, seed function) of every area that adds to the demo world, in `DEMO_ORDER`.

    Lists come first (screening needs them) and resolution last (it resolves what the
    others wrote); an area without `DEMO_ORDER` runs in between, by name.
    """
    seeds = []
    for module in area_modules("demo"):
        seed = getattr(module, "seed_demo", None)
        if callable(seed):
            order = getattr(module, "DEMO_ORDER", DEFAULT_DEMO_ORDER)
            seeds.append((order, module.__name__.split(".")[1], seed))
    return [(area, seed) for _order, area, seed in sorted(seeds, key=lambda s: s[:2])]
