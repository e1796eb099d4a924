"""The finance scan's irregular-payment stage on Spark (DataFrame windows and joins).

pyspark is imported inside the functions, so `ctip --help` never loads a
JVM. Spark computes, per sender, its regular amount (a window over the counts of each amount)
and joins it back to mark the payments that depart from it, and the split payments (a window
over pair, amount and step); the detector then builds the typologies on the marked payments,
so both engines find the same patterns.
"""

from __future__ import annotations

from typing import Any

from ctip.finance.detect import Settings
from ctip.resolve.engine import spark_session  # one session per process, with Splink's jar


def irregular_ids(table: Any, settings: Any = None) -> set[str]:
    """The ids of the payments Spark finds irregular (off-profile or split)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    chosen = settings or Settings()
    spark = spark_session("local[2]")
    try:
        rows = [
            (r["tx_id"], r["source"], r["target"], r["amount"], r["step"])
            for r in table.select(["tx_id", "source", "target", "amount", "step"]).to_pylist()
            if r["amount"] is not None and r["step"] >= 0
        ]
        if not rows:
            return set()
        tx = spark.createDataFrame(
            rows, "tx_id string, source string, target string, amount double, step long"
        )
        counts = tx.groupBy("source", "amount").agg(F.count("*").alias("c"))
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
        return {r["tx_id"] for r in off.union(split).distinct().collect()}
    finally:
        spark.catalog.clearCache()
