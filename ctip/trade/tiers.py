"""Supplier tiers: who supplies whom with what, and how far up a listed supplier sits.

Importers declare their supply chain (buyer, supplier, material) in answer to a detention
or as part of due diligence. The declarations form a directed graph (networkx) from each
buyer to its suppliers; tier 1 is the party that made the goods (the manufacturer on the
entry line), tier 2 its suppliers, and so on. `trace` walks the graph upstream breadth
first and names the nearest supplier that is listed or sits in the XUAR, with its tier.
Declarations come from CSV or FtM JSON lines (an `UnknownLink` whose subject is the buyer,
object the supplier, and role the material).
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from followthemoney import model
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.ingest.tables import Columns, read_table
from ctip.ingest.values import RowValues, Unreadable, ValueWarning
from ctip.matching.normalize import name_key
from ctip.trade.entries import FieldError, parse_country
from ctip.trade.screening import Exposure, Screener, is_flagged_supplier
from ctip.trade.tables import SupplierLinkRow

if TYPE_CHECKING:
    import networkx as nx

CSV_COLUMNS = ("buyer", "supplier", "material")
OPTIONAL_COLUMNS = ("supplier_country", "supplier_address")
SUPPLIER_COLUMNS = Columns(
    CSV_COLUMNS,
    OPTIONAL_COLUMNS,
    {
        "buyer": "the party supplied",
        "supplier": "the party supplying it",
        "material": "what is supplied, e.g. cotton yarn",
        "supplier_country": "ISO code or country name",
        "supplier_address": "the supplier's address",
    },
    id_column=None,
)
SAME_PARTY = 90
"""A typed name at least this close (0-100, word order ignored) to one party, and closer
than to any other, is that party; otherwise the closest names are offered."""
SUGGESTED = 60
MAX_SUGGESTIONS = 5
MAX_TIERS = 8
MAX_NAME = 300
FILE_KIND = "trade-suppliers"


@dataclass(frozen=True)
class SupplierLink:
    """One declared edge: `supplier` supplies `material` to `buyer`."""

    buyer: str
    supplier: str
    material: str
    supplier_country: str = ""
    supplier_address: str = ""


@dataclass(frozen=True)
class TierRow:
    """One supplier upstream of the traced entity, at its tier, with why it is flagged."""

    tier: int
    buyer: str
    supplier: str
    material: str
    country: str
    address: str
    flag: str | None


@dataclass(frozen=True)
class Trace:
    """The tiers above an entity and the nearest flagged supplier (None when clean)."""

    entity: str
    tiers: tuple[TierRow, ...]
    nearest: TierRow | None
    suggestions: tuple[str, ...] = ()
    """When no declared party has the name asked for: the closest declared names."""


@dataclass(frozen=True)
class SupplierLoad:
    """What loading declarations did."""

    file_name: str
    content_sha256: str
    links: int
    links_new: int
    already_loaded: bool


def _check_link(
    buyer: str, supplier: str, material: str, country: str, address: str
) -> SupplierLink:
    names = {"buyer": buyer, "supplier": supplier, "material": material}
    problems = [f"{column}: missing" for column, value in names.items() if not name_key(value)]
    problems += [
        f"{column}: longer than {MAX_NAME}"
        for column, value in names.items()
        if len(value) > MAX_NAME
    ]
    if name_key(buyer) and name_key(buyer) == name_key(supplier):
        problems.append("buyer and supplier are the same party")
    code = ""
    if country.strip():
        try:
            code = parse_country(country)
        except FieldError as error:
            problems.append(str(error).replace("country_of_origin", "supplier_country"))
    if problems:
        raise FieldError("; ".join(problems))
    clean = [" ".join(v.split()) for v in (buyer, supplier, material, address)]
    return SupplierLink(clean[0], clean[1], clean[2].lower(), code, clean[3])


def read_supplier_csv(data: bytes, file_name: str) -> list[SupplierLink]:
    """Declarations from CSV (buyer, supplier, material[, supplier_country, supplier_address])."""
    return read_supplier_report(data, file_name)[0]


def read_supplier_report(
    data: bytes, file_name: str
) -> tuple[list[SupplierLink], list[ValueWarning]]:
    """Declarations from CSV and the values left blank because they could not be read (a
    country nobody knows); a row that is not a row (field count, a missing party) rejects."""
    table = read_table(data, file_name, SUPPLIER_COLUMNS)
    links: list[SupplierLink] = []
    errors, warnings = list(table.rejected), []
    for row in table.rows:
        values = RowValues(row.line)
        country = values.read("supplier_country", row.get("supplier_country"), _country) or ""
        buyer, supplier, material = (row.get(c) for c in CSV_COLUMNS)
        try:
            links.append(
                _check_link(buyer, supplier, material, country, row.get("supplier_address"))
            )
        except FieldError as error:
            errors.append(RowError(row.line, str(error)))
            continue
        warnings.extend(values.warnings)
    return _checked(links, sorted(errors, key=lambda e: e.row), file_name), warnings


def _country(value: str) -> str:
    try:
        return parse_country(value)
    except FieldError as error:
        raise Unreadable(str(error).replace("country_of_origin", "supplier_country")) from None


def _checked(
    links: list[SupplierLink], errors: list[RowError], file_name: str
) -> list[SupplierLink]:
    if errors:
        raise FileRejected(file_name, errors)
    if not links:
        raise FileRejected(file_name, [RowError(1, "no supplier declarations in the file")])
    return links


def read_supplier_ftm(data: bytes, file_name: str) -> list[SupplierLink]:
    """Declarations from FtM JSON lines: parties as entities, `UnknownLink` edges between them."""
    entities: dict[str, tuple[int, dict[str, list[str]], str]] = {}
    errors: list[RowError] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.strip():
            try:
                item = json.loads(raw)
                proxy = model.get_proxy(item)
            except (ValueError, TypeError, KeyError) as error:
                errors.append(RowError(number, f"not an FtM entity: {error}"))
                continue
            entities[str(proxy.id)] = (number, proxy.properties, proxy.schema.name)
    links = [
        _ftm_link(n, props, entities, errors)
        for n, props, schema in entities.values()
        if schema == "UnknownLink"
    ]
    return _checked([link for link in links if link is not None], errors, file_name)


def _ftm_link(
    number: int,
    props: dict[str, list[str]],
    entities: dict[str, tuple[int, dict[str, list[str]], str]],
    errors: list[RowError],
) -> SupplierLink | None:
    def name_of(ref: str) -> str:
        found = entities.get(ref)
        return (found[1].get("name") or [""])[0] if found else ""

    buyer_id, supplier_id = (props.get("subject") or [""])[0], (props.get("object") or [""])[0]
    supplier_props = entities.get(supplier_id, (0, {}, ""))[1]
    country = (supplier_props.get("country") or [""])[0]
    address = (supplier_props.get("address") or [""])[0]
    material = (props.get("role") or props.get("summary") or ["supplies"])[0]
    try:
        return _check_link(name_of(buyer_id), name_of(supplier_id), material, country, address)
    except FieldError as error:
        errors.append(RowError(number, f"UnknownLink: {error}"))
        return None


def load_suppliers(session: Session, data: bytes, file_name: str, actor: str) -> SupplierLoad:
    """Validate the declarations, then store new edges (idempotent by content hash)."""
    incoming = IncomingFile.of(
        data, file_name, kind=FILE_KIND, actor=actor, action="trade.suppliers.load"
    )
    outcome = import_file(session, incoming, partial(read_suppliers, data, file_name), _write_links)
    return SupplierLoad(
        file_name,
        outcome.content_sha256,
        outcome.count("links"),
        0 if outcome.already_imported else outcome.count("links_new"),
        outcome.already_imported,
    )


def is_ftm_file(data: bytes, file_name: str) -> bool:
    """FtM JSON lines, told from CSV by the name or the first byte."""
    return file_name.endswith((".ijson", ".jsonl", ".ftm.json")) or data.lstrip()[:1] == b"{"


def read_suppliers(data: bytes, file_name: str) -> list[SupplierLink]:
    """Declarations from FtM JSON lines or CSV, told apart by the name or the first byte."""
    if is_ftm_file(data, file_name):
        return read_supplier_ftm(data, file_name)
    return read_supplier_csv(data, file_name)


def _write_links(target: FileWrite, links: list[SupplierLink]) -> Counts:
    new = _new_links(target.session, links)
    target.session.add_all(_link_row(link, target.file_id) for link in new)
    target.progress(len(new))
    return {"links": len(links), "links_new": len(new)}


def _new_links(session: Session, links: list[SupplierLink]) -> list[SupplierLink]:
    stored = {
        (r.buyer_key, r.supplier_key, r.material)
        for r in session.execute(select(SupplierLinkRow)).scalars()
    }
    new: dict[tuple[str, str, str], SupplierLink] = {}
    for link in links:
        key = (name_key(link.buyer), name_key(link.supplier), link.material)
        if key not in stored:
            new.setdefault(key, link)
    return list(new.values())


def _link_row(link: SupplierLink, file_id: int) -> SupplierLinkRow:
    return SupplierLinkRow(
        buyer_key=name_key(link.buyer),
        supplier_key=name_key(link.supplier),
        material=link.material,
        buyer=link.buyer,
        supplier=link.supplier,
        supplier_country=link.supplier_country,
        supplier_address=link.supplier_address,
        file_id=file_id,
    )


def stored_links(session: Session) -> list[SupplierLink]:
    """Every stored declaration."""
    rows = session.execute(select(SupplierLinkRow).order_by(SupplierLinkRow.buyer_key)).scalars()
    return [
        SupplierLink(r.buyer, r.supplier, r.material, r.supplier_country, r.supplier_address)
        for r in rows
    ]


def supply_graph(links: list[SupplierLink]) -> nx.MultiDiGraph:
    """Buyer -> supplier edges keyed by name key; nodes keep a display name, country, address."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for link in links:
        buyer, supplier = name_key(link.buyer), name_key(link.supplier)
        graph.add_node(buyer, name=graph.nodes.get(buyer, {}).get("name", link.buyer))
        graph.add_node(
            supplier,
            name=link.supplier,
            country=link.supplier_country,
            address=link.supplier_address,
        )
        graph.add_edge(buyer, supplier, material=link.material)
    return graph


def trace(
    graph: nx.MultiDiGraph, entity: str, screener: Screener, max_tiers: int = MAX_TIERS
) -> Trace:
    """Tiers upstream of `entity` (tier 2 = its suppliers), breadth first, each once.

    The entity is found by its name in any case, spacing or word order, or by a name close
    to one declared party's; when none is close enough, the trace is empty and names the
    closest declared parties as suggestions.
    """
    start, suggestions = find_party(graph, entity)
    rows: list[TierRow] = []
    queued: set[str] = set()
    if start is None:
        return Trace(entity, (), None, suggestions)
    tier_of, queue = {start: 1}, deque([(start, 1)])
    while queue:
        node, tier = queue.popleft()
        if tier >= max_tiers:
            continue
        for _, supplier, data in sorted(graph.out_edges(node, data=True), key=_edge_order):
            if tier_of.setdefault(supplier, tier + 1) != tier + 1:
                continue  # already met nearer the entity (or a cycle back down)
            rows.append(_tier_row(graph, node, supplier, data["material"], tier + 1, screener))
            if supplier not in queued:
                queued.add(supplier)
                queue.append((supplier, tier + 1))
    nearest = next((row for row in rows if row.flag), None)
    return Trace(graph.nodes[start]["name"], tuple(rows), nearest)


def find_party(graph: nx.MultiDiGraph, name: str) -> tuple[str | None, tuple[str, ...]]:
    """The declared party a typed name means (its node), or None and the closest names."""
    key = name_key(name)
    if key in graph:
        return key, ()
    found = process.extract(
        key, list(graph.nodes), scorer=fuzz.token_sort_ratio, limit=MAX_SUGGESTIONS
    )
    best = found[0] if found else None
    runner_up = found[1][1] if len(found) > 1 else 0.0
    if best is not None and best[1] >= SAME_PARTY and best[1] > runner_up:
        return str(best[0]), ()
    similar = process.extract(key, list(graph.nodes), scorer=fuzz.WRatio, limit=MAX_SUGGESTIONS)
    names = tuple(graph.nodes[node]["name"] for node, score, _ in similar if score >= SUGGESTED)
    return None, names


def _edge_order(edge: tuple[str, str, dict[str, str]]) -> tuple[str, str]:
    return (edge[1], edge[2]["material"])


def _tier_row(
    graph: nx.MultiDiGraph, buyer: str, supplier: str, material: str, tier: int, screener: Screener
) -> TierRow:
    node = graph.nodes[supplier]
    country, address = node.get("country", ""), node.get("address", "")
    flag = is_flagged_supplier(node["name"], address, country, screener)
    return TierRow(tier, graph.nodes[buyer]["name"], node["name"], material, country, address, flag)


def exposures(graph: nx.MultiDiGraph, screener: Screener) -> dict[str, Exposure]:
    """For every buyer in the graph, its nearest flagged upstream supplier (for screening)."""
    found: dict[str, Exposure] = {}
    for node in sorted(graph.nodes):
        if graph.out_degree(node) == 0:
            continue
        result = trace(graph, graph.nodes[node]["name"], screener)
        if result.nearest is not None:
            found[node] = _exposure(graph, node, result.nearest)
    return found


def _exposure(graph: nx.MultiDiGraph, start: str, row: TierRow) -> Exposure:
    import networkx as nx

    path = nx.shortest_path(graph, start, name_key(row.supplier))
    names = tuple(graph.nodes[n]["name"] for n in path)
    return Exposure(graph.nodes[start]["name"], row.supplier, row.tier, row.flag or "", names)
