"""The finance scan's irregular-payment and fan stages on Spark (DataFrame windows and joins).

pyspark is imported inside the functions, so `ctip --help` never loads a
JVM. Spark computes, per sender, its regular amount (a window over the counts of each amount)
and joins it back to mark the payments that depart from it, and the split payments (a window
over pair, amount and step); the detector then builds the typologies on the marked payments,
so both engines find the same patterns. The fan-in and fan-out typologies are also found on
Spark (`fan_patterns`): the payments in two staggered grids of windows, a group-by per hub
and window counting distinct counterparties and irregular payments, the earliest qualifying
window per hub joined back to its payments; the same query as the detector's DuckDB one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Final

from ctip.finance import detect
from ctip.finance.detect import Pattern, Settings
from ctip.resolve.engine import spark_session  # one session per process, with Splink's jar

FAN_KINDS: Final = ("fan_in", "fan_out")
BUCKET_OFFSET: Final = 1_000_000_000
"""Added to the second grid's window numbers, as the detector does, so the grids never meet."""


def _payments(spark: Any, table: Any) -> Any:
    """The payments the detector reads (a time and a readable amount) as a DataFrame."""
    rows = [
        (r["tx_id"], r["source"], r["target"], r["amount"], r["step"])
        for r in table.select(["tx_id", "source", "target", "amount", "step"]).to_pylist()
        if r["amount"] is not None and r["step"] >= 0
    ]
    if not rows:
        return None
    return spark.createDataFrame(
        rows, "tx_id string, source string, target string, amount double, step long"
    )


def irregular_ids(table: Any, settings: Any = None) -> set[str]:
    """The ids of the payments Spark finds irregular (off-profile or split)."""
    chosen = settings or Settings()
    spark = spark_session("local[2]")
    try:
        tx = _payments(spark, table)
        if tx is None:
            return set()
        return {r["tx_id"] for r in _irregular(tx, chosen).collect()}
    finally:
        spark.catalog.clearCache()


def _irregular(tx: Any, chosen: Settings) -> Any:
    """The ids (a DataFrame) of the off-profile and the split payments. A burst of identical
    payments (one pair, amount and step) counts once towards the regular amount, as in the
    detector."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    bursts_once = tx.select("source", "target", "amount", "step").distinct()
    counts = bursts_once.groupBy("source", "amount").agg(F.count("*").alias("c"))
    by_source = Window.partitionBy("source").orderBy(F.desc("c"), F.desc("amount"))
    profile = (
        counts.withColumn("rank", F.row_number().over(by_source))
        .withColumn("payments", F.sum("c").over(Window.partitionBy("source")))
        .where(F.col("rank") == 1)
        .select(
            "source",
            F.col("amount").alias("regular"),
            F.col("c").alias("regular_count"),
            "payments",
        )
    )
    off = (
        tx.join(profile, "source")
        .where(
            (F.col("regular_count") >= 2)
            & (F.col("regular_count") >= chosen.profile_share * F.col("payments"))
            & (
                F.abs(F.col("amount") - F.col("regular"))
                > chosen.profile_tolerance * F.col("regular")
            )
        )
        .select("tx_id")
    )
    same = Window.partitionBy("source", "target", "amount", "step")
    split = (
        tx.withColumn("n", F.count("*").over(same))
        .where(F.col("n") >= chosen.split_min)
        .select("tx_id")
    )
    return off.union(split).distinct()


def fan_patterns(table: Any, settings: Any = None) -> list[Pattern]:
    """Fan-in and fan-out patterns found on Spark: for each hub, the earliest window (of two
    staggered grids) in which it meets enough distinct counterparties, with irregular
    payments among them and at least the pattern share of its payments irregular; the
    pattern is that window's payments of the hub. The same patterns as the detector's."""
    chosen = settings or Settings()
    spark = spark_session("local[2]")
    try:
        tx = _payments(spark, table)
        if tx is None:
            return []
        windowed = _windows(_marked(tx, _irregular(tx, chosen)), chosen).cache()
        found = [p for kind in FAN_KINDS for p in _fans(windowed, kind, chosen)]
        windowed.unpersist()
        return found
    finally:
        spark.catalog.clearCache()


def _marked(tx: Any, irregular: Any) -> Any:
    """Every payment with `odd`: whether it is irregular."""
    from pyspark.sql import functions as F

    odd = irregular.withColumn("odd", F.lit(True))
    return tx.join(odd, "tx_id", "left").fillna(False, ["odd"])


def _windows(marked: Any, chosen: Settings) -> Any:
    """Each payment twice, once in each grid of windows (`b`), as `detect._bucketed`."""
    from pyspark.sql import functions as F

    half = max(chosen.window // 2, 1)
    first = marked.withColumn("b", F.floor(F.col("step") / chosen.window))
    second = marked.withColumn("b", F.floor((F.col("step") + half) / chosen.window) + BUCKET_OFFSET)
    return first.unionByName(second)


def _fans(windowed: Any, kind: str, chosen: Settings) -> list[Pattern]:
    from pyspark.sql import functions as F

    hub, other = ("target", "source") if kind == "fan_in" else ("source", "target")
    odd = F.col("odd").cast("int")
    groups = (
        windowed.groupBy(hub, "b")
        .agg(
            F.countDistinct(other).alias("k"),
            F.sum(odd).alias("irregular"),
            F.count("*").alias("payments"),
        )
        .where(
            (F.col("k") >= chosen.fan_degree)
            & (F.col("irregular") >= 1)
            & (F.col("irregular") >= chosen.pattern_min_share * F.col("payments"))
        )
    )
    earliest = groups.groupBy(hub).agg(F.min("b").alias("b"))
    rows = windowed.join(earliest, [hub, "b"]).select(hub, other, "tx_id", "amount", "step", "odd")
    by_hub: dict[str, list[Any]] = defaultdict(list)
    for row in rows.collect():
        by_hub[row[hub]].append(row)
    role = "source" if kind == "fan_in" else "sink"
    found = []
    for hub_account, payments in sorted(by_hub.items()):
        members = {p[other]: role for p in payments} | {hub_account: "hub"}
        flows = [(p["tx_id"], p["amount"], p["step"], p["odd"]) for p in payments]
        found.append(detect._pattern(kind, members, flows))
    return found
