"""Resolution quality on public record-linkage sets, scored by pairwise F1 against their truth."""

from __future__ import annotations

from ctip.resolve import pipeline
from tests.resolve.quality import (
    febrl_records,
    febrl_truth,
    pairwise_score,
    splink_fake_records,
)


def test_febrl3_dedupe_reaches_f1_099() -> None:
    records = febrl_records("dataset3.csv", "febrl3")
    resolution = pipeline.resolve_records(records)
    score = pairwise_score(resolution.assignment, {r.id: febrl_truth(r.id) for r in records})
    print(f"\nFebrl 3 dedupe ({len(records)} records): {score}")
    assert score.f1 >= 0.99


def test_febrl4_linkage_of_4a_and_4b_reaches_f1_099() -> None:
    records = febrl_records("dataset4a.csv", "4a") + febrl_records("dataset4b.csv", "4b")
    resolution = pipeline.resolve_records(records)
    score = pairwise_score(resolution.assignment, {r.id: febrl_truth(r.id) for r in records})
    print(f"\nFebrl 4a x 4b ({len(records)} records): {score}")
    assert score.true_pairs == 5000
    assert score.f1 >= 0.99


def test_splink_fake_1000_against_its_true_clusters() -> None:
    records, truth = splink_fake_records()
    resolution = pipeline.resolve_records(records)
    score = pairwise_score(resolution.assignment, truth)
    print(f"\nSplink fake 1,000 ({len(set(truth.values()))} true clusters): {score}")
    assert score.precision >= 0.9
    assert score.f1 >= 0.8
