"""The CBP table of Withhold Release Orders and Findings, as CBP publishes it (CSV or XLSX).

Columns: date, entity, type (WRO or Finding) required; country, merchandise, status optional.
Each entity string is split by `wro.parse_listing` into parties (list entries) and place-wide
orders (goods x place rules, with the HTS headings of the goods where the TVPRA table knows
them). A date, country, type or status that cannot be read keeps its order: the value is kept
as written (`as written: date` in the entry's extra fields), not used, and warned about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from normality import slugify

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.tables import Columns, Row
from ctip.ingest.values import RowValues, Unreadable, ValueWarning, read_date
from ctip.lists.readers import GoodsRule, PreparedList, content_hash, ftm_lines
from ctip.matching.types import ListEntry
from ctip.model.errors import InvalidInput
from ctip.trade.lists.reading import LIST_DATE_REGION, kept_as_written, list_rows
from ctip.trade.lists.tvpra import goods_headings
from ctip.trade.lists.wro import ListedParty, ParsedListing, PlaceRule, parse_listing

ORDER_TYPES = {"wro": "WRO", "finding": "Finding"}
STATUSES = {"active", "inactive", "modified", "revoked", "partially active", "partially modified"}
ORDER_COLUMNS: Final = Columns(
    ("date", "entity", "type"),
    ("country", "merchandise", "status"),
    {
        "date": "date of the order, e.g. 2019-09-30 or 9/30/2019 (month first)",
        "entity": "CBP's entity string: parties, aliases, subsidiaries or a place",
        "type": "WRO or Finding",
        "country": "the country the order names",
        "merchandise": "the goods the order covers",
        "status": f"one of {', '.join(sorted(STATUSES))}",
    },
    id_column=None,
)
COLUMNS = ORDER_COLUMNS.known


def read_order_date(text: str) -> str:
    """An order's date as ISO 8601: as people write dates (month first, as CBP does:
    9/30/2019), or with a two-digit year (9/30/19), or a spreadsheet's date."""
    try:
        return read_date(text, LIST_DATE_REGION)
    except Unreadable:
        try:
            return datetime.strptime(text.strip(), "%m/%d/%y").date().isoformat()
        except ValueError:
            raise Unreadable(f"date {text!r}: use YYYY-MM-DD or M/D/YYYY") from None


def read_order_type(text: str) -> str:
    """'WRO' or 'Finding', however cased."""
    kind = ORDER_TYPES.get(text.strip().lower())
    if kind is None:
        raise Unreadable(f"type {text!r}: WRO or Finding")
    return kind


def read_status(text: str) -> str:
    """One of the statuses CBP gives an order (Active, Modified, Revoked...)."""
    if text.strip().lower() not in STATUSES:
        raise Unreadable(f"status {text!r}: one of {', '.join(sorted(STATUSES))}")
    return text.strip()


def check_order(row: Row, values: RowValues) -> dict[str, str]:
    """The order's own fields read (date, country, type, status); what cannot be read is
    empty here and kept as written under `as written: <column>`."""
    first = len(values.warnings)
    order = {
        "type": values.read("type", row.get("type"), read_order_type) or "",
        "status": values.read("status", row.get("status"), read_status) or "",
        "country": values.country("country", row.get("country")) or "",
        "date": values.read("date", row.get("date"), read_order_date) or "",
        "merchandise": row.get("merchandise"),
        "listing": " ".join(row.get("entity").split()),
    }
    return {**order, **kept_as_written(values, first)}


def _order_key(order: dict[str, str]) -> str:
    """'wro-2019-09-30': the order's type and date, as written when they were not read."""
    kind = order["type"].lower() or slugify(order.get("as written: type", "")) or "order"
    when = order["date"] or slugify(order.get("as written: date", "")) or "undated"
    return f"{kind}-{when}"


def _order_name(order: dict[str, str]) -> str:
    """'WRO of 2019-09-30' as a basis names the order."""
    kind = order["type"] or order.get("as written: type", "order")
    when = order["date"] or order.get("as written: date", "")
    return f"{kind} of {when}"


def party_entry(order: dict[str, str], party: ListedParty) -> ListEntry:
    """One party of an order as a list entry; the order's facts ride in `extra`."""
    entry_id = f"{_order_key(order)}-{slugify(party.name) or 'party'}"
    return ListEntry(
        list_name="",
        edition="",
        entry_id=entry_id[:200],
        schema=party.schema,
        name=party.name,
        aliases=tuple(party.screening_names),
        countries=tuple(c for c in (party.country or order["country"],) if c),
        addresses=(party.address,) if party.address else (),
        includes_subsidiaries=party.includes_subsidiaries,
        notes=party.notes,
        extra=order,
    )


def place_rule(order: dict[str, str], rule: PlaceRule) -> GoodsRule:
    """A place-wide order as a goods x place rule."""
    goods = order["merchandise"] or rule.goods
    country = rule.country or order["country"]
    return GoodsRule(
        rule_id=f"{_order_key(order)}-{slugify(goods) or 'goods'}-{country}",
        goods=goods,
        country=country,
        place=rule.place,
        hts_headings=goods_headings(rule.goods) or goods_headings(goods),
        labour=("forced_labor",),
        basis=f"CBP {_order_name(order)} ({order['status'] or 'status unknown'}): "
        f"{order['listing']}",
    )


def read_orders(
    data: bytes, file_name: str
) -> tuple[list[ListEntry], list[GoodsRule], list[ValueWarning]]:
    """Every row read; parties become entries, place-wide orders rules, and the values that
    could not be read warnings. A row that is no row, or names no party or place, rejects."""
    entries: dict[str, ListEntry] = {}
    rules: dict[str, GoodsRule] = {}
    errors: list[RowError] = []
    warnings: list[ValueWarning] = []
    for row in list_rows(data, file_name, ORDER_COLUMNS):
        values = RowValues(row.line, LIST_DATE_REGION)
        try:
            order = check_order(row, values)
            listing = parse_listing(order["listing"], order["country"], order["merchandise"])
            _collect(order, listing, entries, rules)
        except ValueError as error:
            errors.append(RowError(row.line, str(error)))
        warnings.extend(values.warnings)
    if errors or not (entries or rules):
        raise FileRejected(file_name, errors or [RowError(1, "the file holds no orders")])
    return list(entries.values()), list(rules.values()), warnings


def _collect(
    order: dict[str, str],
    listing: ParsedListing,
    entries: dict[str, ListEntry],
    rules: dict[str, GoodsRule],
) -> None:
    if not listing.parties and not listing.rules:
        raise InvalidInput(f"no party or place found in {order['listing']!r}")
    for party in listing.parties:
        entry = party_entry(order, party)
        if entry.entry_id in entries:
            raise InvalidInput(f"{party.name!r} is listed twice in the {_order_name(order)}")
        entries[entry.entry_id] = entry
    for found in listing.rules:
        rule = place_rule(order, found)
        rules[rule.rule_id] = rule


def prepare_orders(data: bytes, file_name: str, list_name: str) -> PreparedList:
    """A CBP WRO/Findings table read whole, ready to store as an edition (with the values
    kept as written in `warnings`)."""
    entries, rules, warnings = read_orders(data, file_name)
    lines = ftm_lines(list_name, entries)
    return PreparedList(file_name, content_hash(data), entries, rules, lines, warnings=warnings)
