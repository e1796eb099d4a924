"""What a watchlist entry is, as every screening engine sees it (no I/O here).

The shape is shared by the list loaders (`ctip.watchlists`, `ctip.trade.lists`) and the
scorers (`ctip.matching`), so a UFLPA entity, a WRO party and a sanctions record are screened
the same way and every hit names the list, the edition and the entry it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ListEntry:
    """One listed party: its names and every other field a match can be checked against."""

    list_name: str
    edition: str
    entry_id: str
    schema: str
    name: str
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    includes_subsidiaries: bool = False
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def all_names(self) -> tuple[str, ...]:
        """The name first, then every alias."""
        return (self.name, *self.aliases)
