"""Explainable scoring of a query record against a list entry.

CONTRACT (used by screening of plain names and of import entry lines): `score(query, entry)`
returns a `MatchResult` whose `features` (`ctip.model.explain.Feature`) say, each with value,
weight, a sentence for people and references for code (the list, the entry, the alias that
matched, the field compared), why the score is what it is.

The score is built like nomenklatura's logic-v2: the name agreement (`ctip.matching.names`)
is the base, and every other field the two records share qualifies it (`ctip.matching.fields`):
a country, birth date, address or identifier that agrees adds its weight, one that conflicts
subtracts it, a partial agreement adds part of it. An identifier that agrees exactly is
also a base on its own (a registration number is stronger evidence than a name). Records
whose schemas cannot be the same thing (a Person and a Vessel) score 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import quote

from ctip.matching import fields, names
from ctip.matching.types import ListEntry, MatchQuery, MatchResult
from ctip.model.explain import Feature, Reference, RefKind

DEFAULT_THRESHOLD: Final = 0.7

NAME_WEIGHT: Final = 1.0
IDENTIFIER_BASE_WEIGHT: Final = 0.95
# Qualifier weights: how far one field can move a name score, up when it agrees (value
# > 0) and down when it conflicts (value < 0). Conflicts weigh more than agreements for
# countries and dates: many people share a country, few share a name *and* a birth date
# yet differ on it by chance.
QUALIFIERS: Final[dict[str, tuple[float, float]]] = {
    "country": (0.05, 0.15),
    "birth_date": (0.10, 0.20),
    "address": (0.08, 0.05),
    "identifier": (0.15, 0.10),
}
FieldComparer = Callable[[tuple[str, ...], tuple[str, ...]], "fields.FieldEvidence | None"]
COMPARERS: Final[dict[str, FieldComparer]] = {
    "country": fields.compare_countries,
    "birth_date": fields.compare_birth_dates,
    "address": fields.compare_addresses,
    "identifier": fields.compare_identifiers,
}


_LIST_CODE: Final = re.compile(r"^[a-z0-9-]{2,12}$")
HOW_CLOSE: Final = ((1.0, "exactly"), (0.95, "almost exactly"), (0.85, "closely"), (0.6, "in part"))
HOW_COMPARED: Final = {"compact": ", written together", "characters": ", character by character"}


def list_label(list_name: str) -> str:
    """A list as people name it: short codes in capitals ("cbp-wro" -> "CBP WRO")."""
    if _LIST_CODE.match(list_name):
        return list_name.replace("-", " ").upper()
    return list_name


def entry_references(entry: ListEntry, listed_name: str = "") -> tuple[Reference, ...]:
    """The list (and edition), the entry (linked to its entity page) and the alias matched."""
    entity_id = entry.extra.get("entity_id", "")
    url = "/entities/" + quote(entity_id, safe="") if entity_id else ""
    refs = [
        Reference(RefKind.LIST, entry.list_name, f"{list_label(entry.list_name)} {entry.edition}"),
        Reference(RefKind.ENTRY, entry.entry_id, entry.name, url),
    ]
    if listed_name and listed_name != entry.name:
        refs.append(Reference(RefKind.ALIAS, listed_name, listed_name))
    return tuple(refs)


def how_close(value: float) -> str:
    """A name agreement in words: 'exactly', 'closely (0.91)', 'only weakly (0.40)'."""
    for floor, words in HOW_CLOSE:
        if value >= floor:
            return words if floor == 1.0 else f"{words} ({value:.2f})"
    return f"only weakly ({value:.2f})"


def name_sentence(found: names.NameComparison, entry: ListEntry) -> str:
    """ "Name 'X' matches UFLPA entry E1 'Y' closely (0.91) through its alias 'Z'."."""
    if found.method == "none":
        return f"No name of {list_label(entry.list_name)} entry {entry.entry_id} was compared."
    text = (
        f"Name {found.query_name!r} matches {list_label(entry.list_name)} entry "
        f"{entry.name!r} {how_close(found.score)}"
    )
    if found.listed_name != entry.name:
        text += f" through its alias {found.listed_name!r}"
    return text + HOW_COMPARED.get(found.method, "") + "."


def schema_feature(query: MatchQuery, entry: ListEntry) -> Feature | None:
    """A veto when the two records cannot be the same kind of thing."""
    if names.common_schema(query.schema, entry.schema) is not None:
        return None
    sentence = f"A {query.schema} cannot be the listed {entry.schema}: no match is possible."
    refs = (*entry_references(entry), Reference(RefKind.FIELD, "schema", "kind of party"))
    return Feature("schema", -1.0, 1.0, sentence, refs, supports=False)


def name_feature(
    query: MatchQuery, entry: ListEntry, schema: str, rarity: names.Rarity | None = None
) -> Feature:
    """How well the query name agrees with the listed name or its best alias."""
    tag = names.type_tag(schema)
    found = names.best_name_match(tag, (query.name,), entry.all_names, rarity)
    refs = entry_references(entry, found.listed_name)
    detail = f"{found.method}: {found.detail}"
    sentence = name_sentence(found, entry)
    value = min(1.0, round(found.score, 4))  # symbol bonuses can lift a name past 1
    return Feature("name", value, NAME_WEIGHT, sentence, refs, detail=detail)


def field_values(record: MatchQuery | ListEntry, field_name: str) -> tuple[str, ...]:
    """The values a record has for one compared field."""
    plural = {"country": "countries", "birth_date": "birth_dates", "address": "addresses"}
    values: tuple[str, ...] = getattr(record, plural.get(field_name, "identifiers"))
    return tuple(v for v in values if v and v.strip())


def qualifier_features(query: MatchQuery, entry: ListEntry) -> list[Feature]:
    """One feature per field both records have, weighted by agreement or conflict."""
    found = []
    for field_name, compare in COMPARERS.items():
        verdict = compare(field_values(query, field_name), field_values(entry, field_name))
        if verdict is None:
            continue
        agree_weight, conflict_weight = QUALIFIERS[field_name]
        weight = agree_weight if verdict.value >= 0 else conflict_weight
        found.append(field_feature(field_name, verdict, weight))
    return found


def field_feature(field_name: str, verdict: fields.FieldEvidence, weight: float) -> Feature:
    """One compared field as a feature: agreeing supports the match, conflicting does not."""
    ref = Reference(RefKind.FIELD, field_name, field_name.replace("_", " "))
    supports = verdict.value >= 0
    return Feature(field_name, verdict.value, weight, verdict.evidence, (ref,), supports)


def combine(features: list[Feature]) -> float:
    """The base (name, or an agreeing identifier) plus the qualifiers, in [0, 1]."""
    base = max(
        (
            f.value * (IDENTIFIER_BASE_WEIGHT if f.name == "identifier" else f.weight)
            for f in features
            if f.name == "name" or (f.name == "identifier" and f.value >= 1.0)
        ),
        default=0.0,
    )
    if base <= 0.0:
        return 0.0
    total = base + sum(f.contribution for f in features if f.name != "name")
    return round(min(1.0, max(0.0, total)), 4)


def score(
    query: MatchQuery,
    entry: ListEntry,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    rarity: names.Rarity | None = None,
) -> MatchResult:
    """Score a query record against one list entry, with the features that explain it.

    `rarity` (word -> 0..1, from a `CandidateIndex`) lets common words of the list weigh
    less; without it every word weighs by its part of speech in the name alone.
    """
    veto = schema_feature(query, entry)
    if veto is not None:
        return MatchResult(query.query_id, entry, 0.0, False, (veto,), threshold)
    schema = names.common_schema(query.schema, entry.schema) or entry.schema
    features = [name_feature(query, entry, schema, rarity), *qualifier_features(query, entry)]
    value = combine(features)
    return MatchResult(query.query_id, entry, value, value >= threshold, tuple(features), threshold)
