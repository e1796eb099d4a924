"""Explainable scoring of a query record against a list entry.

CONTRACT (used by screening of plain names and of import entry lines): `score(query, entry)`
returns a `MatchResult` whose `features` say, each with value, weight and evidence, why the
score is what it is.

The score is built like nomenklatura's logic-v2: the name agreement (`ctip.matching.names`)
is the base, and every other field the two records share qualifies it (`ctip.matching.fields`):
a country, birth date, address or identifier that agrees adds its weight, one that conflicts
subtracts it, a partial agreement adds part of it. An identifier that agrees exactly is
also a base on its own (a registration number is stronger evidence than a name). Records
whose schemas cannot be the same thing (a Person and a Vessel) score 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from ctip.matching import fields, names
from ctip.matching.types import Feature, ListEntry, MatchQuery, MatchResult

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


def schema_feature(query: MatchQuery, entry: ListEntry) -> Feature | None:
    """A veto when the two records cannot be the same kind of thing."""
    if names.common_schema(query.schema, entry.schema) is not None:
        return None
    return Feature("schema", -1.0, 1.0, f"a {query.schema} cannot be a {entry.schema}")


def name_feature(
    query: MatchQuery, entry: ListEntry, schema: str, rarity: names.Rarity | None = None
) -> Feature:
    """How well the query name agrees with the listed name or its best alias."""
    tag = names.type_tag(schema)
    found = names.best_name_match(tag, (query.name,), entry.all_names, rarity)
    which = "name" if found.listed_name == entry.name else "alias"
    evidence = (
        f"query {found.query_name!r} ~ listed {which} {found.listed_name!r} "
        f"of {entry.list_name}/{entry.entry_id} ({found.method}): {found.detail}"
    )
    return Feature("name", round(found.score, 4), NAME_WEIGHT, evidence)


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
        found.append(Feature(field_name, verdict.value, weight, verdict.evidence))
    return found


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
        return MatchResult(query.query_id, entry, 0.0, False, (veto,))
    schema = names.common_schema(query.schema, entry.schema) or entry.schema
    features = [name_feature(query, entry, schema, rarity), *qualifier_features(query, entry)]
    value = combine(features)
    return MatchResult(query.query_id, entry, value, value >= threshold, tuple(features))
