"""The areas' Alembic versions folders, handed over by the area registry at install.

Kept apart from `ctip.store.db` (SQLAlchemy, Alembic) so that importing the registry, which
every `ctip` command does, loads no database library: `ctip --help` stays quick.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

area_versions: list[Path] = []
"""The areas' versions folders, in the order they were added."""


def add_version_locations(folders: Iterable[Path]) -> None:
    """Add areas' versions folders to every later upgrade (the registry calls this)."""
    for folder in folders:
        if folder not in area_versions:
            area_versions.append(folder)


def remove_version_locations(folders: Iterable[Path]) -> None:
    """Forget versions folders added earlier (a throwaway area in a test)."""
    for folder in folders:
        if folder in area_versions:
            area_versions.remove(folder)
