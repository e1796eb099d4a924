"""The Spark engine finds the same irregular payments, so the same patterns, as the local one."""

from __future__ import annotations

import pytest

from ctip.finance import detect, spark, synthetic


@pytest.mark.spark
def test_spark_and_local_engines_find_the_same_patterns() -> None:
    world = synthetic.generate(accounts=600, patterns=10, seed=4)
    table = detect.arrow_table(world.transactions)
    on_spark = spark.irregular_ids(table)
    assert on_spark
    local = detect.detect(table)
    remote = detect.detect(table, irregular=on_spark)
    assert sorted(p.id for p in remote.patterns) == sorted(p.id for p in local.patterns)
    assert {a: [s.name for s in v] for a, v in remote.signals.items()} == {
        a: [s.name for s in v] for a, v in local.signals.items()
    }


@pytest.mark.spark
def test_spark_finds_the_detectors_fan_in_and_fan_out_patterns() -> None:
    world = synthetic.generate(accounts=600, patterns=12, seed=5, kinds=("fan_in", "fan_out"))
    table = detect.arrow_table(world.transactions)
    local = [p for p in detect.detect(table).patterns if p.kind in spark.FAN_KINDS]
    on_spark = spark.fan_patterns(table)
    assert {p.kind for p in local} == {"fan_in", "fan_out"}
    assert sorted(p.id for p in on_spark) == sorted(p.id for p in local)
    by_id = {p.id: p.to_dict() for p in local}
    assert all(p.to_dict() == by_id[p.id] for p in on_spark)
