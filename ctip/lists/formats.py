"""The file formats a list can be loaded from: the plain watchlist here, and each area's own
(the trade area's CBP orders, UFLPA Entity List and DOL TVPRA goods list), handed over by the
area registry so that this core never imports an area.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ctip.lists.readers import PreparedList, prepare_watchlist
from ctip.model.errors import InvalidInput

Preparer = Callable[[bytes, str, str], PreparedList]
"""(file bytes, file name, list name) -> the validated entries of one edition."""

WATCHLIST = "watchlist"
_formats: dict[str, Preparer] = {WATCHLIST: prepare_watchlist}


def declare_formats(formats: Mapping[str, Preparer]) -> None:
    """Add an area's list formats (the registry calls this); a name means one reader."""
    for name, preparer in formats.items():
        known = _formats.get(name)
        if known is not None and known is not preparer:
            raise ValueError(f"list format {name!r} declared twice")
        _formats[name] = preparer


def withdraw_formats(names: Mapping[str, Preparer]) -> None:
    """Forget formats declared earlier (a throwaway area in a test)."""
    for name in names:
        if name != WATCHLIST:
            _formats.pop(name, None)


def format_names() -> tuple[str, ...]:
    """Every format a list file may be read as."""
    return tuple(sorted(_formats))


def preparer(name: str) -> Preparer:
    """The reader of a format; ValueError names the known ones."""
    try:
        return _formats[name]
    except KeyError:
        raise InvalidInput(f"unknown list format {name!r}; use one of {format_names()}") from None
