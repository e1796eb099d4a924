"""The UFLPA high-priority sectors as data, and which sector an HTS code falls in.

The UFLPA Strategy names sectors where goods made with Uyghur forced labour most often reach
the US; an entry line in one of them gets closer review even when no party is listed.
The table (`data/uflpa_sectors.csv`) maps each sector to the HTS headings ctip reads as it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ctip.model.errors import InvalidInput


@dataclass(frozen=True)
class Sector:
    """A UFLPA high-priority sector and the HTS headings screened as it."""

    name: str
    hts_headings: tuple[str, ...]
    note: str


def hts_heading(hts_code: str) -> str:
    """The 4-digit heading of an HTS code written with or without dots ('6109.10.0012')."""
    digits = re.sub(r"[\s.]", "", hts_code)
    if not re.fullmatch(r"\d{4,10}", digits):
        raise InvalidInput(f"HTS code {hts_code!r}: 4 to 10 digits, dots allowed")
    return digits[:4]


def read_package_csv(name: str) -> list[dict[str, str]]:
    """A CSV shipped in `ctip/trade/lists/data`."""
    text = resources.files("ctip.trade.lists").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def split_headings(text: str) -> tuple[str, ...]:
    """'5201;5202' as headings."""
    return tuple(h.strip() for h in text.split(";") if h.strip())


@cache
def uflpa_sectors() -> tuple[Sector, ...]:
    """Every high-priority sector, as the package's table declares it."""
    rows = read_package_csv("uflpa_sectors.csv")
    return tuple(Sector(r["sector"], split_headings(r["hts_headings"]), r["note"]) for r in rows)


def uflpa_priority_sector(hts_code: str) -> str | None:
    """The UFLPA high-priority sector of an HTS code ('6109100012' -> 'apparel'), or None.

    Raises ValueError when the code is not an HTS code.
    """
    heading = hts_heading(hts_code)
    for sector in uflpa_sectors():
        if heading in sector.hts_headings:
            return sector.name
    return None
