"""The DOL TVPRA list (goods x country x child / forced labour), its HTS mapping and risk.

The US Department of Labor's *List of Goods Produced by Child Labor or Forced Labor* names
goods, not tariff lines; an import entry names an HTS code. The reviewed table
`data/tvpra_hts.csv` maps every good to the HTS headings it covers, so an entry line of
cotton yarn (5205) from Turkmenistan meets the listing "Cotton, Turkmenistan, forced labor".
Two file shapes are read: the 2023 snapshot (good, country, child_labor, forced_labor,
forced_child_labor: Yes/No) and DOL's 2016 spreadsheet (Country, Good, Child Labor, Forced
Labor: "X").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from followthemoney import registry
from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.lists.readers import GoodsRule, PreparedList, content_hash, csv_rows
from ctip.lists.store import goods_rules
from ctip.trade.lists import TVPRA_LIST
from ctip.trade.lists.sectors import hts_heading, read_package_csv, split_headings

CHILD, FORCED, FORCED_CHILD = "child_labor", "forced_labor", "forced_child_labor"
LABOUR_TYPES = (CHILD, FORCED, FORCED_CHILD)
SNAPSHOT_COLUMNS = ("good", "country", "child_labor", "forced_labor")
OFFICIAL_2016_COLUMNS = ("country", "good", "child_labor", "forced_labor")
YES = {"yes", "x", "y", "true", "1"}
NO = {"no", "", "n", "false", "0"}
BASIS = "DOL ILAB List of Goods Produced by Child Labor or Forced Labor"


@dataclass(frozen=True)
class TvpraListing:
    """One good from one country on the TVPRA list, with the kinds of labour found."""

    good: str
    country: str
    country_name: str
    labour: tuple[str, ...]


@dataclass(frozen=True)
class TvpraRisk:
    """Why an entry line meets the TVPRA list: which good, which heading, which labour."""

    good: str
    country: str
    hts_heading: str
    labour: tuple[str, ...]
    basis: str = BASIS

    @property
    def forced_labor(self) -> bool:
        """Forced labour (of adults or children) was found."""
        return FORCED in self.labour or FORCED_CHILD in self.labour

    @property
    def child_labor(self) -> bool:
        """Child labour was found."""
        return CHILD in self.labour or FORCED_CHILD in self.labour


def good_key(good: str) -> str:
    """The same good however its accents were encoded ('Açaí' NFC or NFD) or cased."""
    return " ".join(unicodedata.normalize("NFC", good).casefold().split())


@cache
def tvpra_hts_table() -> dict[str, tuple[str, ...]]:
    """The reviewed good -> HTS headings table shipped with the package."""
    rows = read_package_csv("tvpra_hts.csv")
    return {good_key(r["good"]): split_headings(r["hts_headings"]) for r in rows}


def goods_headings(good: str) -> tuple[str, ...]:
    """The HTS headings of a good; also tries the singular/plural ('tomato' -> 'Tomatoes')."""
    table = tvpra_hts_table()
    key = good_key(good)
    for candidate in (key, f"{key}s", f"{key}es", key.removesuffix("s")):
        if candidate in table:
            return table[candidate]
    return ()


def _flag(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"{column} {value!r}: use Yes/No (or X for listed)")


def listing_from_row(row: dict[str, str]) -> TvpraListing:
    """One row of either file shape; ValueError names the bad field."""
    good, country_name = row.get("good", "").strip(), row.get("country", "").strip()
    if not good or not country_name:
        raise ValueError("good and country are required")
    country = read_country(country_name)
    labour = tuple(t for t in LABOUR_TYPES if t in row and _flag(row[t], t))
    return TvpraListing(unicodedata.normalize("NFC", good), country, country_name, labour)


def read_country(name: str) -> str:
    """A DOL country name as an ISO code; 'Turkey (Türkiye)' reads either way.

    A listing whose labour columns are all "No" is kept (with no labour type): it is in
    DOL's file, and dropping it would hide a change between editions.
    """
    for candidate in (name, re.sub(r"\s*\(.*?\)", "", name), *re.findall(r"\((.*?)\)", name)):
        code = registry.country.clean(candidate.strip())
        if code is not None:
            return str(code)
    raise ValueError(f"country {name!r} is not a country FollowTheMoney knows")


def read_tvpra(data: bytes, file_name: str) -> list[TvpraListing]:
    """Every listing of a TVPRA CSV (either shape), validated whole."""
    rows = csv_rows(data, file_name, ("good", "country", "child_labor", "forced_labor"))
    listings: list[TvpraListing] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        try:
            listing = listing_from_row(row)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        key = (good_key(listing.good), listing.country)
        if key in seen:
            errors.append(
                RowError(number, f"{listing.good} x {listing.country_name} also on row {seen[key]}")
            )
            continue
        seen[key] = number
        listings.append(listing)
    if errors or not listings:
        raise FileRejected(file_name, errors or [RowError(1, "the file holds no listings")])
    return listings


def prepare_tvpra(data: bytes, file_name: str) -> PreparedList:
    """A TVPRA file as goods x country rules carrying their HTS headings, ready to store."""
    rules = [
        GoodsRule(
            rule_id=f"{good_key(x.good)}|{x.country}",
            goods=x.good,
            country=x.country,
            place=x.country_name,
            hts_headings=goods_headings(x.good),
            labour=x.labour,
            basis=BASIS,
        )
        for x in read_tvpra(data, file_name)
    ]
    return PreparedList(file_name, content_hash(data), [], rules)


def listings_from_rules(rules: Iterable[GoodsRule]) -> list[TvpraListing]:
    """Stored rules back as listings (what `tvpra_risk` reads)."""
    return [TvpraListing(r.goods, r.country, r.place, r.labour) for r in rules]


_process_listings: list[TvpraListing] = []


def use_listings(listings: Iterable[TvpraListing]) -> None:
    """Make these listings the default of `tvpra_risk` in this process (e.g. after a load)."""
    _process_listings[:] = list(listings)


def tvpra_listings(
    session: Session, list_name: str = TVPRA_LIST, edition: str | None = None
) -> list[TvpraListing]:
    """A TVPRA edition in the store (the latest by default) as listings, also made this
    process's default."""
    listings = listings_from_rules(goods_rules(session, list_name, edition))
    use_listings(listings)
    return listings


def tvpra_risk(
    country_code: str, hts_code: str, listings: Iterable[TvpraListing] | None = None
) -> list[TvpraRisk]:
    """The TVPRA listings an entry line meets: its origin country and its HTS heading.

    `country_code` is the ISO 3166-1 alpha-2 code of the country of origin (any case);
    `hts_code` the entry line's HTS code (4-10 digits, dots allowed). `listings` is the
    edition to screen against; without it, the listings last read by `tvpra_listings(session)`
    (or set by `use_listings`) in this process, and none before either ran. One risk per
    listed good whose mapped headings hold the line's heading, naming the good, the heading
    and the kinds of labour, so the screening explanation can cite them.
    Raises ValueError for a code that is not an HTS code.
    """
    heading = hts_heading(hts_code)
    country = country_code.strip().lower()
    return [
        TvpraRisk(x.good, x.country, heading, x.labour)
        for x in (_process_listings if listings is None else listings)
        if x.country == country and heading in goods_headings(x.good)
    ]


@dataclass(frozen=True)
class TvpraChange:
    """A good x country whose kinds of labour differ between two editions."""

    good: str
    country: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass
class TvpraDiff:
    """Goods x country added, removed and changed from one edition to the next."""

    added: list[TvpraListing]
    removed: list[TvpraListing]
    changed: list[TvpraChange]


def tvpra_diff(old: Iterable[TvpraListing], new: Iterable[TvpraListing]) -> TvpraDiff:
    """Compare two editions by good (case and accents ignored) and country code."""
    before = {(good_key(x.good), x.country): x for x in old}
    after = {(good_key(x.good), x.country): x for x in new}
    changed = [
        TvpraChange(after[k].good, k[1], before[k].labour, after[k].labour)
        for k in sorted(after)
        if k in before and _comparable(before[k].labour) != _comparable(after[k].labour)
    ]
    return TvpraDiff(
        added=[after[k] for k in sorted(after) if k not in before],
        removed=[before[k] for k in sorted(before) if k not in after],
        changed=changed,
    )


def _comparable(labour: tuple[str, ...]) -> frozenset[str]:
    """The 2016 file has no forced-child-labour column: compare child and forced only."""
    return frozenset(labour) - {FORCED_CHILD}
