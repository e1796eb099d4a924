"""Running the Splink model on DuckDB (the default) or Spark, and reading back scored pairs.

The engine only turns records into scored pairs; clustering, stable ids and judgements are
done over those pairs in `ctip.resolve.clusters`, the same whichever engine scored them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from ctip.resolve import model
from ctip.resolve.records import ResolveRecord

RECORD_COLUMNS = tuple(field.name for field in fields(ResolveRecord))
"""The columns Splink reads: the fields of the normalised record, in their order."""
DEFAULT_THRESHOLD = 0.9
PRIOR = "prior"
Progress = Callable[[str], None]


class Engine(StrEnum):
    """Where Splink runs its SQL."""

    DUCKDB = "duckdb"
    SPARK = "spark"


@dataclass(frozen=True)
class Evidence:
    """One comparison's say on a pair: the level it fell in and the weight it added."""

    comparison: str
    level: str
    match_weight: float
    left: str | None
    right: str | None


@dataclass(frozen=True)
class ScoredPair:
    """Two records, the model's match probability and weight, and the evidence behind them."""

    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    evidence: tuple[Evidence, ...] = ()


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def records_table(records: Sequence[ResolveRecord]) -> pa.Table:
    """Records as an Arrow table of text columns (what both engines read)."""
    columns = {name: [getattr(r, name) for r in records] for name in RECORD_COLUMNS}
    schema = pa.schema([(name, pa.string()) for name in RECORD_COLUMNS])
    return pa.Table.from_pydict(columns, schema=schema)


def spark_session(master: str = "local[1]") -> Any:
    """A local Spark session (the engine agencies run); tests use one core."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = SparkSession.builder.master(master).appName("ctip-resolve")
    # Splink's string-similarity UDFs (Jaro-Winkler, Damerau-Levenshtein) ship as a jar
    builder = builder.config("spark.jars", similarity_jar_location())
    builder = builder.config("spark.sql.shuffle.partitions", "4")
    builder = builder.config("spark.ui.enabled", "false")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class Scorer:
    """One Splink database connection holding the records being resolved."""

    def __init__(self, engine: Engine = Engine.DUCKDB, spark: Any = None) -> None:
        _quiet_splink()
        self.engine = engine
        if engine is Engine.SPARK:
            from splink import SparkAPI

            self._spark = spark or spark_session("local[*]")
            # persist keeps intermediate tables in memory: no checkpoint directory needed
            self.db_api: Any = SparkAPI(  # type: ignore[no-untyped-call]
                spark_session=self._spark, break_lineage_method="persist"
            )
        else:
            self.db_api = DuckDBAPI()
        self._tables = 0

    def register(self, records: Sequence[ResolveRecord]) -> SplinkDataFrame:
        """Load records into the engine as a new input table."""
        self._tables += 1
        name = f"ctip_records_{self._tables}"
        table = records_table(records)
        if self.engine is Engine.SPARK:
            rows = table.to_pylist()
            schema = ", ".join(f"{column} string" for column in RECORD_COLUMNS)
            frame = self._spark.createDataFrame(rows, schema=schema)
            frame.createOrReplaceTempView(name)
            spark_table: SplinkDataFrame = self.db_api.register(name)
            return spark_table
        registered: SplinkDataFrame = self.db_api.register(table, table_name=name)
        return registered

    def linker(self, table: SplinkDataFrame, settings: SettingsCreator | dict[str, Any]) -> Linker:
        """A Splink linker over one registered table."""
        return Linker(table, settings, log_level=None)


def trained_linker(
    scorer: Scorer,
    records: Sequence[ResolveRecord],
    settings: SettingsCreator | dict[str, Any] | None = None,
    train: bool = True,
) -> tuple[Linker, SplinkDataFrame]:
    """Register the records and train (or load) the model over them."""
    table = scorer.register(records)
    linker = scorer.linker(table, settings if settings is not None else model.settings())
    if train:
        model.train(linker, len(records), fill(records))
    return linker, table


def fill(records: Sequence[ResolveRecord]) -> dict[str, float]:
    """The share of records with a value, per column (which training blocks can work)."""
    total = max(len(records), 1)
    return {c: sum(getattr(r, c) is not None for r in records) / total for c in RECORD_COLUMNS}


def predictions(linker: Linker, threshold: float) -> SplinkDataFrame:
    """Every blocked pair scored at or above the threshold probability."""
    return linker.inference.predict(threshold_match_probability=threshold)


def comparison_names(linker: Linker) -> list[str]:
    """The output column names of the model's comparisons (name, birth_date, ...)."""
    return [c.output_column_name for c in linker._settings_obj.comparisons]


def _level_labels(linker: Linker) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        labels[comparison.output_column_name] = {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
    return labels


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _side(row: dict[str, Any], name: str, side: str) -> str | None:
    columns = model.COMPARISON_COLUMNS.get(name, (name,))
    values = [_as_text(row.get(f"{column}_{side}")) for column in columns]
    present = [value for value in values if value]
    return " ".join(present) if present else None


def _evidence(row: dict[str, Any], name: str, labels: dict[int, str]) -> Evidence:
    weight = row.get(f"mw_{name}")
    level = row.get(f"gamma_{name}")
    return Evidence(
        comparison=name,
        level=labels.get(int(level), str(level)) if level is not None else "",
        match_weight=round(float(weight), 3) if weight is not None else 0.0,
        left=_side(row, name, "l"),
        right=_side(row, name, "r"),
    )


def _prior(total: float, evidence: Sequence[Evidence]) -> Evidence:
    """The weight every pair starts from: how rare a match is between two random records."""
    weight = round(total - sum(e.match_weight for e in evidence), 3)
    return Evidence(PRIOR, "two random records rarely match", weight, None, None)


def scored_pairs(
    linker: Linker, frame: SplinkDataFrame, explain: bool = True
) -> Iterator[ScoredPair]:
    """The pairs of a prediction frame, each with its evidence when `explain`."""
    if not explain:
        yield from _bare_pairs(frame)
        return
    labels = _level_labels(linker)
    names = comparison_names(linker)
    for row in frame.as_record_list():
        evidence = tuple(_evidence(row, n, labels[n]) for n in names if f"gamma_{n}" in row)
        evidence = (_prior(float(row["match_weight"]), evidence), *evidence)
        left, right = str(row["id_l"]), str(row["id_r"])
        if right < left:
            left, right = right, left
        yield ScoredPair(
            left_id=left,
            right_id=right,
            match_probability=float(row["match_probability"]),
            match_weight=float(row["match_weight"]),
            evidence=evidence,
        )


def _bare_pairs(frame: SplinkDataFrame) -> Iterator[ScoredPair]:
    """Pairs without evidence, read column-wise (fast for millions of pairs)."""
    table = frame.as_pyarrow_table()  # type: ignore[no-untyped-call]
    columns = (
        table.column(c).to_pylist() for c in ("id_l", "id_r", "match_probability", "match_weight")
    )
    for left, right, probability, weight in zip(*columns, strict=True):
        low, high = (left, right) if left <= right else (right, left)
        yield ScoredPair(str(low), str(high), float(probability), float(weight))
