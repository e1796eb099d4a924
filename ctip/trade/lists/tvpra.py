"""The DOL TVPRA list (goods x country x child / forced labour), its HTS mapping and risk.

The US Department of Labor's *List of Goods Produced by Child Labor or Forced Labor* names
goods, not tariff lines; an import entry names an HTS code. The reviewed table
`data/tvpra_hts.csv` maps every good to the HTS headings it covers, so an entry line of
cotton yarn (5205) from Turkmenistan meets the listing "Cotton, Turkmenistan, forced labor".
Two file shapes are read: the 2023 snapshot (good, country, child_labor, forced_labor,
forced_child_labor: Yes/No) and DOL's 2016 spreadsheet (Country, Good, Child Labor, Forced
Labor: "X"). A country or a labour flag that cannot be read keeps its listing: the value is
kept as written (the listing's place, the rule's basis), not used, and warned about; a
listing whose country was not read matches no entry line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Final

from followthemoney import registry
from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.tables import Columns, Row
from ctip.ingest.values import RowValues, Unreadable, ValueWarning
from ctip.lists.readers import GoodsRule, PreparedList, content_hash
from ctip.lists.store import goods_rules
from ctip.trade.lists import TVPRA_LIST
from ctip.trade.lists.reading import list_table
from ctip.trade.lists.sectors import hts_heading, read_package_csv, split_headings

CHILD, FORCED, FORCED_CHILD = "child_labor", "forced_labor", "forced_child_labor"
LABOUR_TYPES = (CHILD, FORCED, FORCED_CHILD)
SNAPSHOT_COLUMNS = ("good", "country", "child_labor", "forced_labor")
OFFICIAL_2016_COLUMNS = ("country", "good", "child_labor", "forced_labor")
TVPRA_COLUMNS: Final = Columns(
    ("good", "country"),
    (CHILD, FORCED, FORCED_CHILD, "sector", "region"),
    {
        "good": "the good as DOL names it, e.g. Cotton",
        "country": "the country as DOL names it, e.g. Turkey (Türkiye)",
        CHILD: "Yes/No, or X for listed (at least one labour column)",
        FORCED: "Yes/No, or X for listed",
        FORCED_CHILD: "Yes/No, or X for listed",
        "sector": "DOL's sector (kept for people, not read)",
        "region": "DOL's region (kept for people, not read)",
    },
    id_column=None,
)
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


def read_flag(text: str) -> str:
    """'yes' or 'no' from Yes/No, X (listed) or blank (not listed)."""
    value = text.strip().lower()
    if value in YES:
        return "yes"
    if value in NO:
        return "no"
    raise Unreadable(f"{text!r}: use Yes/No (or X for listed)")


def listing_from_row(row: Row, values: RowValues) -> TvpraListing:
    """One row of either file shape; a country or flag that cannot be read is warned about
    in `values` (the listing keeps the country as written and leaves the flag out)."""
    good, country_name = row.get("good"), row.get("country")
    country = values.read("country", country_name, read_country) or ""
    labour = tuple(
        t for t in LABOUR_TYPES if values.read(t, row.get(t) or "no", read_flag) == "yes"
    )
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
    raise Unreadable(f"country {name!r} is not a country FollowTheMoney knows")


def read_tvpra_file(data: bytes, file_name: str) -> tuple[list[TvpraListing], list[ValueWarning]]:
    """Every listing of a TVPRA CSV or XLSX (either shape) and the values that could not be
    read; a row that is no row, or a good x country listed twice, rejects the file."""
    read = _read_listings(data, file_name)
    return [listing for listing, _ in read], [w for _, warned in read for w in warned]


def _read_listings(data: bytes, file_name: str) -> list[tuple[TvpraListing, list[ValueWarning]]]:
    """Each listing with the warnings of its own row."""
    table = list_table(data, file_name, TVPRA_COLUMNS)
    if not any(t in table.header for t in LABOUR_TYPES):
        reason = f"no labour column ({', '.join(LABOUR_TYPES)}); {TVPRA_COLUMNS.help_text()}"
        raise FileRejected(file_name, [RowError(1, reason)])
    read: list[tuple[TvpraListing, list[ValueWarning]]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        values = RowValues(row.line)
        listing = listing_from_row(row, values)
        key = listing_key(listing)
        if key in seen:
            again = f"{listing.good} x {listing.country_name} also on row {seen[key]}"
            errors.append(RowError(row.line, again))
            continue
        seen[key] = row.line
        read.append((listing, values.warnings))
    if errors:
        raise FileRejected(file_name, errors)
    return read


def read_tvpra(data: bytes, file_name: str) -> list[TvpraListing]:
    """Every listing of a TVPRA file (either shape); see `read_tvpra_file`."""
    return read_tvpra_file(data, file_name)[0]


def listing_key(listing: TvpraListing) -> tuple[str, str]:
    """A listing's identity: the good and the country (as written when it was not read)."""
    return good_key(listing.good), listing.country or good_key(listing.country_name)


def prepare_tvpra(data: bytes, file_name: str) -> PreparedList:
    """A TVPRA file as goods x country rules carrying their HTS headings, ready to store
    (the values not read named in each rule's basis, and listed in `warnings`)."""
    read = _read_listings(data, file_name)
    rules = [_rule(listing, warned) for listing, warned in read]
    warnings = [w for _, warned in read for w in warned]
    return PreparedList(file_name, content_hash(data), [], rules, warnings=warnings)


def _rule(listing: TvpraListing, warned: list[ValueWarning]) -> GoodsRule:
    good, country = listing_key(listing)
    unread = "".join(f"; {w.column} {w.value!r} not read" for w in warned)
    return GoodsRule(
        rule_id=f"{good}|{country}",
        goods=listing.good,
        country=listing.country,
        place=listing.country_name,
        hts_headings=goods_headings(listing.good),
        labour=listing.labour,
        basis=BASIS + unread,
    )


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
    if not country:
        return []  # an origin not read meets no listing
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
    before = {listing_key(x): x for x in old}
    after = {listing_key(x): x for x in new}
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
