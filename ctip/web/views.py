"""What the pages show, shaped for templates: labels, grouped values, areas, dates.

Only presentation lives here (FtM labels, grouping, formatting); every fact comes from
the same store and authz functions the API calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote

from followthemoney import model, registry
from followthemoney.property import Property
from followthemoney.schema import Schema
from sqlalchemy.orm import Session

from ctip.authz.policy import Action, Principal, can
from ctip.model.area import HomeTile, NavEntry
from ctip.store.entities import EntityLink, EntityRecord, EntitySummary, Provenance
from ctip.store.tables import BASE_PROP

ENTITIES_NAV = NavEntry(
    "Entities",
    "/entities",
    Action.ENTITY_READ,
    "Search people, companies, accounts and addresses by name or identifier, "
    "and see where every fact came from.",
)
OVERSIGHT_NAV = (
    NavEntry("Users", "/users", Action.USER_READ, "Who can sign in, with which role."),
    NavEntry(
        "Audit log",
        "/audit",
        Action.AUDIT_READ,
        "Recent sign-ins, imports and changes, and a check of the hash chain.",
    ),
)


def navigation(area_entries: Iterable[NavEntry]) -> tuple[NavEntry, ...]:
    """The whole navigation: entities first, the areas' pages, then oversight."""
    return (ENTITIES_NAV, *area_entries, *OVERSIGHT_NAV)


def areas_for(principal: Principal, entries: Iterable[NavEntry]) -> list[NavEntry]:
    """The pages this person may open, so links never lead to a refusal."""
    return [entry for entry in entries if can(principal, entry.action)]


@dataclass(frozen=True)
class WorkItem:
    """One count of the person's own work on the home page, with its link."""

    label: str
    path: str
    count: int


def work_for(principal: Principal, tiles: Iterable[HomeTile], session: Session) -> list[WorkItem]:
    """The counts of the person's own work, for the tiles their role may act on."""
    return [
        WorkItem(tile.label, tile.path, tile.count(session, principal.username))
        for tile in tiles
        if can(principal, tile.action)
    ]


def timestamp(iso: str) -> str:
    """'2024-05-01T09:30:12.123Z' as '2024-05-01 09:30 UTC': minutes are enough to read."""
    if len(iso) < 16 or iso[10] != "T":
        return iso
    return f"{iso[:10]} {iso[11:16]} UTC"


def day(iso: str) -> str:
    """The date part of an ISO timestamp."""
    return iso[:10]


def entity_href(entity_id: str) -> str:
    """The workbench page of an entity; the id is the only data put in the URL."""
    return "/entities/" + quote(entity_id, safe="")


def schema_label(name: str) -> str:
    """'Person' -> 'Person', 'LegalEntity' -> 'Legal entity' (FtM's own label)."""
    schema = model.get(name)
    return schema.label if schema is not None else name


@dataclass(frozen=True)
class ValueView:
    """One value of a property with where it came from."""

    text: str
    raw: str | None
    href: str | None
    provenance: tuple[Provenance, ...]


@dataclass(frozen=True)
class PropertyView:
    """A property and its values (one row group of the properties table)."""

    label: str
    name: str
    values: tuple[ValueView, ...]

    @property
    def row_count(self) -> int:
        """Table rows the property spans: one per value and source."""
        return sum(len(value.provenance) for value in self.values)


def property_views(record: EntityRecord, links: Sequence[EntityLink]) -> list[PropertyView]:
    """The entity's properties, featured first, each value with every source stating it."""
    schema = record.proxy.schema
    captions = {link.other.id: link.other.caption for link in links}
    stated = sorted(record.provenance, key=lambda p: (p.prop, p.value, p.source, p.first_seen))
    views = [
        _property_view(schema, prop, list(rows), captions)
        for prop, rows in groupby(stated, key=lambda p: p.prop)
    ]
    featured = schema.featured
    return sorted(views, key=lambda v: (_featured_rank(featured, v.name), v.label))


def _featured_rank(featured: Sequence[str], name: str) -> int:
    """FtM's featured properties (name, birth date...) lead, in FtM's order."""
    return featured.index(name) if name in featured else len(featured)


def _property_view(
    schema: Schema, prop: str, rows: list[Provenance], captions: dict[str, str]
) -> PropertyView:
    """Group one property's statements by value, keeping all of their provenance."""
    spec = schema.get(prop)
    label = "Stated (no properties)" if prop == BASE_PROP else (spec.label if spec else prop)
    values = [
        _value_view(spec, value, tuple(group), captions)
        for value, group in groupby(rows, key=lambda p: p.value)
    ]
    return PropertyView(label, prop, tuple(values))


def _value_view(
    spec: Property | None, value: str, provenance: tuple[Provenance, ...], captions: dict[str, str]
) -> ValueView:
    """A value as a person reads it: the linked entity's caption, a country's name..."""
    if spec is None:
        return ValueView(value, None, None, provenance)
    if spec.type == registry.entity:
        return ValueView(captions.get(value, value), None, entity_href(value), provenance)
    text = spec.type.caption(value) or value
    return ValueView(text, value if text != value else None, None, provenance)


@dataclass(frozen=True)
class LinkView:
    """One row of the links table."""

    direction: str
    arrow: str
    relation: str
    other: EntitySummary
    via: EntitySummary | None


def link_views(links: Iterable[EntityLink], own_schema: str) -> list[LinkView]:
    """The entity's links with FtM labels for the property that makes each one."""
    return [
        LinkView(
            link.direction,
            "→" if link.direction == "outgoing" else "←",
            relation_label(link, own_schema),
            link.other,
            link.via,
        )
        for link in links
    ]


def relation_label(link: EntityLink, own_schema: str) -> str:
    """'Payment.payer' -> 'Payment · Payer'; a plain property is labelled by its schema."""
    if "." in link.prop:
        schema_name, prop = link.prop.split(".", 1)
        return f"{schema_label(schema_name)} · {_prop_label(schema_name, prop)}"
    if link.direction == "outgoing":
        return _prop_label(own_schema, link.prop)
    return f"{schema_label(link.other.schema)} · {_prop_label(link.other.schema, link.prop)}"


def _prop_label(schema_name: str, prop: str) -> str:
    """FtM's label for a property; the raw name if a source used one FtM does not know."""
    schema = model.get(schema_name)
    spec = schema.get(prop) if schema is not None else None
    return spec.label if spec is not None else prop


@dataclass(frozen=True)
class ResultSet:
    """The entities one search criterion found, and whether the list was cut at the limit."""

    criterion: str
    query: str
    results: Sequence[EntitySummary]
    limit: int

    @property
    def truncated(self) -> bool:
        """Whether there may be more matches than are shown."""
        return len(self.results) >= self.limit
