"""Resolution without the store: records in, trained model, scored pairs and clusters out.

`ctip resolve FILE`, the store-backed service, the quality tests and the benchmark all go
through these two functions, so each answers the same way on DuckDB and on Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from ctip.model.errors import InvalidInput
from ctip.resolve import clusters, engine, model
from ctip.resolve import organisations as organisations_module
from ctip.resolve.engine import Engine, ScoredPair
from ctip.resolve.records import ResolveRecord

Step = Callable[[str], None]


def _no_step(_: str) -> None:
    return None


@dataclass
class Resolution:
    """The outcome of resolving one set of records."""

    groups: dict[str, list[str]]
    pairs: list[ScoredPair]
    model: dict[str, Any]
    refused_links: int = 0
    assignment: dict[str, str] = field(default_factory=dict)


class Kind(StrEnum):
    """Which records a resolution compares, and how their names are read."""

    AUTO = "auto"  # organisations (a legal form in the name) apart from people
    PERSON = "person"  # given name and surname
    ORGANISATION = "organisation"  # whole name, legal forms out, words by rarity


class NothingToLink(InvalidInput):
    """Linking across sources asked of records that all come from one source."""


def resolve_records(
    records: Sequence[ResolveRecord],
    on: Engine = Engine.DUCKDB,
    threshold: float = engine.DEFAULT_THRESHOLD,
    judgements: clusters.Judgements = clusters.Judgements(),
    trained_model: dict[str, Any] | None = None,
    step: Step = _no_step,
    spark: Any = None,
    kind: Kind = Kind.PERSON,
    link_only: bool = False,
) -> Resolution:
    """Score pairs (people by Splink, organisations by name rarity) and cluster them.

    With `link_only`, only pairs across sources link (as Splink's link_only): a list matched
    against another, each list's own duplicates left alone.
    """
    if link_only and len({r.source for r in records}) < 2:
        raise NothingToLink("--link-only needs records from at least two sources")
    people, organisations = _split(records, kind)
    pairs: list[ScoredPair] = []
    models: dict[str, Any] = {}
    if people:
        found, models["person"] = _person_pairs(
            people, on, threshold, trained_model, step, spark, link_only
        )
        pairs.extend(found)
    if organisations:
        step("scoring organisations by name")
        found, models["organisation"] = organisations_module.score_organisations(
            organisations, threshold
        )
        pairs.extend(found)
    if link_only:
        pairs = _across_sources(records, pairs)
    step("clustering")
    ids = [r.id for r in records]
    groups = clusters.cluster_records(ids, pairs, judgements)
    saved = models.get("person") or models.get("organisation") or {}
    resolution = Resolution(groups, pairs, saved)
    resolution.assignment = clusters.number_in_file_order(ids, groups)
    return resolution


def _split(
    records: Sequence[ResolveRecord], kind: Kind
) -> tuple[list[ResolveRecord], list[ResolveRecord]]:
    if kind is Kind.PERSON:
        return list(records), []
    if kind is Kind.ORGANISATION:
        return [], list(records)
    return organisations_module.split_by_kind(records)


def _person_pairs(
    records: Sequence[ResolveRecord],
    on: Engine,
    threshold: float,
    trained_model: dict[str, Any] | None,
    step: Step,
    spark: Any,
    link_only: bool,
) -> tuple[list[ScoredPair], dict[str, Any]]:
    """Splink's pairs over the distinct records, then the exact copies joined to them."""
    distinct, copies = collapse_copies(records, by_source=link_only)
    scorer = engine.Scorer(on, spark)
    step("training the model" if trained_model is None else "loading the model")
    linker, _table = engine.trained_linker(
        scorer, distinct, trained_model, train=trained_model is None
    )
    step("scoring candidate pairs")
    frame = engine.predictions(linker, threshold)
    pairs = list(engine.scored_pairs(linker, frame))
    return expand_copies(pairs, copies), model.save_model(linker)


def _content(record: ResolveRecord, by_source: bool) -> tuple[str | None, ...]:
    values = tuple(getattr(record, c) for c in engine.RECORD_COLUMNS if c not in ("id", "source"))
    return (record.source, *values) if by_source else values


def collapse_copies(
    records: Sequence[ResolveRecord], by_source: bool = False
) -> tuple[list[ResolveRecord], dict[str, tuple[str, list[str]]]]:
    """Exact copies collapsed to two of each (so the model still scores one identical pair).

    Thousands of copies of one record would otherwise make millions of pairs (minutes of
    scoring for nothing) and push the estimated prior to 1. Returns the records to score and,
    per kept record with copies, its kept twin and the ids set aside.
    """
    first: dict[tuple[str | None, ...], ResolveRecord] = {}
    twins: dict[str, tuple[str, list[str]]] = {}
    kept: list[ResolveRecord] = []
    for record in records:
        key = _content(record, by_source)
        original = first.setdefault(key, record)
        if original is record:
            kept.append(record)
        elif original.id not in twins:
            twins[original.id] = (record.id, [])
            kept.append(record)
        else:
            twins[original.id][1].append(record.id)
    return kept, twins


def expand_copies(
    pairs: Sequence[ScoredPair], copies: dict[str, tuple[str, list[str]]]
) -> list[ScoredPair]:
    """Each set-aside copy linked to its original as the model linked the kept twin."""
    expanded = list(pairs)
    for pair in pairs:
        for original, other in ((pair.left_id, pair.right_id), (pair.right_id, pair.left_id)):
            twin = copies.get(original)
            if twin is None or twin[0] != other:
                continue
            for copy_id in twin[1]:
                low, high = sorted((original, copy_id))
                expanded.append(replace(pair, left_id=low, right_id=high))
    return expanded


def _across_sources(records: Sequence[ResolveRecord], pairs: list[ScoredPair]) -> list[ScoredPair]:
    source = {r.id: r.source for r in records}
    return [p for p in pairs if source[p.left_id] != source[p.right_id]]


def score_batch(
    existing: Sequence[ResolveRecord],
    fresh: Sequence[ResolveRecord],
    trained_model: dict[str, Any],
    on: Engine = Engine.DUCKDB,
    threshold: float = engine.DEFAULT_THRESHOLD,
    explain: bool = True,
    spark: Any = None,
) -> list[ScoredPair]:
    """Pairs between a new batch and the existing records, and within the batch.

    Existing records are never compared with each other again: their clusters stand.
    """
    index = IncrementalIndex(existing, trained_model, on, spark)
    return index.score(fresh, threshold, explain)


def fit_model(
    records: Sequence[ResolveRecord], on: Engine = Engine.DUCKDB, spark: Any = None
) -> dict[str, Any]:
    """Train the model on records and return it as a JSON-ready settings dictionary."""
    scorer = engine.Scorer(on, spark)
    linker, _table = engine.trained_linker(scorer, records)
    return model.save_model(linker)


class IncrementalIndex:
    """Existing records held in the engine with their model, ready to score new batches.

    Loading a million existing records takes longer than scoring a batch against them, so a
    long-running resolver (or the benchmark) loads them once and scores batch after batch.
    """

    def __init__(
        self,
        existing: Sequence[ResolveRecord],
        trained_model: dict[str, Any],
        on: Engine = Engine.DUCKDB,
        spark: Any = None,
    ) -> None:
        self.scorer = engine.Scorer(on, spark)
        self.model = trained_model
        self.existing = self.scorer.register(existing) if existing else None

    def score(
        self,
        fresh: Sequence[ResolveRecord],
        threshold: float = engine.DEFAULT_THRESHOLD,
        explain: bool = True,
    ) -> list[ScoredPair]:
        """Pairs within the batch and between the batch and the existing records."""
        fresh_table = self.scorer.register(fresh)
        linker = self.scorer.linker(fresh_table, self.model)
        within = linker.inference.predict_within(
            fresh_table, threshold_match_probability=threshold, warning_mode="never"
        )
        pairs = list(engine.scored_pairs(linker, within, explain))
        if self.existing is not None:
            between = linker.inference.predict_between(
                self.existing,
                fresh_table,
                threshold_match_probability=threshold,
                warning_mode="never",
            )
            pairs.extend(engine.scored_pairs(linker, between, explain))
        return pairs
