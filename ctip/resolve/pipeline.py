"""Resolution without the store: records in, trained model, scored pairs and clusters out.

`ctip resolve FILE`, the store-backed service, the quality tests and the benchmark all go
through these two functions, so each answers the same way on DuckDB and on Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ctip.resolve import clusters, engine, model
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


def resolve_records(
    records: Sequence[ResolveRecord],
    on: Engine = Engine.DUCKDB,
    threshold: float = engine.DEFAULT_THRESHOLD,
    judgements: clusters.Judgements = clusters.Judgements(),
    trained_model: dict[str, Any] | None = None,
    step: Step = _no_step,
    spark: Any = None,
) -> Resolution:
    """Train (or load) the model, score blocked pairs, and cluster them under the judgements."""
    scorer = engine.Scorer(on, spark)
    step("training the model" if trained_model is None else "loading the model")
    linker, _table = engine.trained_linker(
        scorer, records, trained_model, train=trained_model is None
    )
    step("scoring candidate pairs")
    frame = engine.predictions(linker, threshold)
    pairs = list(engine.scored_pairs(linker, frame))
    step("clustering")
    ids = [r.id for r in records]
    groups = clusters.cluster_records(ids, pairs, judgements)
    resolution = Resolution(groups, pairs, model.save_model(linker))
    resolution.assignment = clusters.number_in_file_order(ids, groups)
    return resolution


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
