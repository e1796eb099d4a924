"""The CBP table of Withhold Release Orders and Findings, as CBP publishes it (CSV or XLSX).

Columns: date, country, entity, merchandise, status, type (WRO or Finding). Each entity
string is split by `wro.parse_listing` into parties (list entries) and place-wide orders
(goods x place rules, with the HTS headings of the goods where the TVPRA table knows them).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from followthemoney import registry
from normality import slugify

from ctip.ingest.errors import FileRejected, RowError
from ctip.lists.readers import GoodsRule, PreparedList, content_hash, csv_rows, ftm_lines
from ctip.matching.types import ListEntry
from ctip.model.errors import InvalidInput
from ctip.trade.lists.tvpra import goods_headings
from ctip.trade.lists.wro import ListedParty, ParsedListing, PlaceRule, parse_listing

COLUMNS = ("date", "country", "entity", "merchandise", "status", "type")
ORDER_TYPES = {"wro": "WRO", "finding": "Finding"}
STATUSES = {"active", "inactive", "modified", "revoked", "partially active", "partially modified"}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d %B %Y", "%B %d, %Y")


def order_date(text: str) -> str:
    """An order's date as ISO 8601 (CBP writes 9/30/2019; spreadsheets give dates)."""
    text = text.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        text = text[:10]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"date {text!r}: use YYYY-MM-DD or M/D/YYYY")


def xlsx_rows(data: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    """The first sheet of a workbook as (row number, row) with text values."""
    try:
        from openpyxl import load_workbook  # loaded for a spreadsheet only, not at start

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise FileRejected(
            file_name, [RowError(1, f"not a readable XLSX workbook ({error})")]
        ) from None
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    if not rows:
        raise FileRejected(file_name, [RowError(1, "the sheet is empty")])
    header = [str(h or "").strip().lower().replace(" ", "_") for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FileRejected(file_name, [RowError(1, f"missing column(s): {', '.join(missing)}")])
    found = []
    for number, values in enumerate(rows[1:], start=2):
        row = {h: _cell_text(v) for h, v in zip(header, values, strict=False) if h}
        if any(row.values()):
            found.append((number, row))
    return found


def _cell_text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value).strip()


def is_xlsx(data: bytes) -> bool:
    """XLSX files are zip archives."""
    return data.startswith(b"PK\x03\x04")


def read_order_rows(data: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of either file type."""
    if is_xlsx(data):
        return xlsx_rows(data, file_name)
    return csv_rows(data, file_name, COLUMNS)


def check_order(row: dict[str, str]) -> dict[str, str]:
    """The order's own fields validated: date, country code, type, status."""
    kind = ORDER_TYPES.get(row.get("type", "").strip().lower())
    if kind is None:
        raise ValueError(f"type {row.get('type')!r}: WRO or Finding")
    status = row.get("status", "").strip()
    if status.lower() not in STATUSES:
        raise ValueError(f"status {status!r}: one of {', '.join(sorted(STATUSES))}")
    country = registry.country.clean(row.get("country", ""))
    if country is None:
        raise ValueError(f"country {row.get('country')!r} is not a country")
    if not row.get("entity", "").strip():
        raise ValueError("entity is empty")
    return {
        "type": kind,
        "status": status,
        "country": str(country),
        "date": order_date(row.get("date", "")),
        "merchandise": row.get("merchandise", "").strip(),
        "listing": " ".join(row["entity"].split()),
    }


def party_entry(order: dict[str, str], party: ListedParty) -> ListEntry:
    """One party of an order as a list entry; the order's facts ride in `extra`."""
    entry_id = f"{order['type'].lower()}-{order['date']}-{slugify(party.name) or 'party'}"
    return ListEntry(
        list_name="",
        edition="",
        entry_id=entry_id[:200],
        schema=party.schema,
        name=party.name,
        aliases=tuple(party.screening_names),
        countries=(party.country or order["country"],),
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
        rule_id=f"{order['type'].lower()}-{order['date']}-{slugify(goods) or 'goods'}-{country}",
        goods=goods,
        country=country,
        place=rule.place,
        hts_headings=goods_headings(rule.goods) or goods_headings(goods),
        labour=("forced_labor",),
        basis=f"CBP {order['type']} of {order['date']} ({order['status']}): {order['listing']}",
    )


def read_orders(data: bytes, file_name: str) -> tuple[list[ListEntry], list[GoodsRule]]:
    """Every row validated; parties become entries, place-wide orders rules."""
    entries: dict[str, ListEntry] = {}
    rules: dict[str, GoodsRule] = {}
    errors: list[RowError] = []
    for number, row in read_order_rows(data, file_name):
        try:
            order = check_order(row)
            listing = parse_listing(order["listing"], order["country"], order["merchandise"])
            _collect(order, listing, entries, rules)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
    if errors or not (entries or rules):
        raise FileRejected(file_name, errors or [RowError(1, "the file holds no orders")])
    return list(entries.values()), list(rules.values())


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
            raise InvalidInput(
                f"{party.name!r} is listed twice on {order['date']} as {order['type']}"
            )
        entries[entry.entry_id] = entry
    for found in listing.rules:
        rule = place_rule(order, found)
        rules[rule.rule_id] = rule


def prepare_orders(data: bytes, file_name: str, list_name: str) -> PreparedList:
    """A CBP WRO/Findings table validated whole, ready to store as an edition."""
    entries, rules = read_orders(data, file_name)
    return PreparedList(
        file_name, content_hash(data), entries, rules, ftm_lines(list_name, entries)
    )
