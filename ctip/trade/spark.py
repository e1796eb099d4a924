"""The Spark engine: the same `Screener.screen` run over partitions on Apache Spark.

Agencies screen millions of lines a day on the Spark clusters they already run. The
screener (lists, rules, tier exposures, policy) is broadcast once; each partition rebuilds
its own candidate index and party cache and screens its lines with the same code as the
local engine, so both engines give the same decisions. Nothing here is a home-made
distribution: Spark schedules, ships and retries.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ctip.trade.entries import EntryLine
from ctip.trade.screening import LineDecision, Screener

DEFAULT_MASTER = "local[*]"


def spark_session(master: str | None = None) -> Any:
    """A Spark session (local mode unless CTIP_SPARK_MASTER names a cluster)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    chosen = master or os.environ.get("CTIP_SPARK_MASTER", DEFAULT_MASTER)
    builder = SparkSession.builder.master(chosen).appName("ctip-trade-screen")
    builder = builder.config("spark.ui.enabled", "false").config(
        "spark.sql.shuffle.partitions", "4"
    )
    # The CLI draws its own progress bar; Spark's console bar and INFO logs would tear it.
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _screen_partition(screener: Any) -> Any:
    """A partition function that screens with the broadcast screener."""

    def run(lines: Iterator[EntryLine]) -> Iterator[LineDecision]:
        local: Screener = pickle.loads(screener.value)
        for line in lines:
            yield local.screen(line)

    return run


def screen_on_spark(
    lines: Sequence[EntryLine], screener: Screener, master: str | None = None, partitions: int = 4
) -> list[LineDecision]:
    """Screen on Spark; the decisions come back in the order of `lines`."""
    if not lines:
        return []
    from pyspark import cloudpickle

    spark = spark_session(master)
    context = spark.sparkContext
    # cloudpickle, so goods rules defined in a script or a test travel by value.
    dumps: Callable[[Any], bytes] = cloudpickle.dumps
    shared = context.broadcast(dumps(screener))
    try:
        rdd = context.parallelize(list(lines), max(1, min(partitions, len(lines))))
        decisions: list[LineDecision] = rdd.mapPartitions(_screen_partition(shared)).collect()
    finally:
        shared.unpersist()
    return decisions
