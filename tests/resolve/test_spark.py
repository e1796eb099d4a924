"""Spark (local mode) resolves a file into the same clusters as DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ctip.resolve import pipeline
from ctip.resolve.engine import Engine, spark_session
from tests.resolve.quality import splink_fake_records

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session("local[1]")
    yield session
    session.stop()


def test_spark_gives_the_same_clusters_as_duckdb(spark: Any) -> None:
    records, _truth = splink_fake_records()
    sample = records[:80]
    on_duckdb = pipeline.resolve_records(sample, Engine.DUCKDB)
    on_spark = pipeline.resolve_records(sample, Engine.SPARK, spark=spark)
    assert sorted(on_spark.groups.values()) == sorted(on_duckdb.groups.values())
    assert on_spark.assignment == on_duckdb.assignment
    assert len(set(on_duckdb.assignment.values())) < len(sample)
