"""The person benchmark's records, resolved small: the quality the million-record run reports
(pairwise F1 0.922 at 1,000,000 records, precision 0.9997) holds on a few thousand, and an
incremental batch joins its known people without renumbering an existing cluster.

The million-record run (`python -m benchmarks.resolve`) takes minutes; this keeps a change
to the person model or the engine that loses quality from passing unseen.
"""

from __future__ import annotations

import random

import pytest

from benchmarks import resolve as bench
from ctip.resolve import clusters
from ctip.resolve.records import ResolveRecord

RECORDS = 5_000
BATCH = 500
Resolved = tuple[list[bench.Person], list[ResolveRecord], dict[str, object], clusters.ClusterState]


@pytest.fixture(scope="module")
def resolved() -> Resolved:
    """The benchmark's seeded records, trained on and resolved as the benchmark does."""
    rng = random.Random(bench.SEED)
    people: list[bench.Person] = []
    records = bench.generate(RECORDS, rng, "p", people)
    trained, _timing, pairs = bench.resolve_ours(records, rng)
    state = clusters.ClusterState()
    clusters.reconcile(state, clusters.cluster_records([r.id for r in records], pairs))
    return people, records, trained, state


def test_pairwise_counts_pairs_of_records_against_the_planted_people() -> None:
    # p1's two copies belong together; p2-0 wrongly joins them: 1 of 3 found pairs is true
    precision, recall, f1 = bench.pairwise({"p1-0": "a", "p1-1": "a", "p2-0": "a"})
    assert (precision, recall) == pytest.approx((1 / 3, 1.0))
    assert f1 == pytest.approx(0.5)
    # p1's copies split apart: no pair found, the one true pair missed
    assert bench.pairwise({"p1-0": "a", "p1-1": "b", "p2-0": "c"}) == (0.0, 0.0, 0.0)


def test_generated_records_hold_each_person_one_to_four_times() -> None:
    people: list[bench.Person] = []
    records = bench.generate(2_000, random.Random(3), "p", people)
    copies: dict[str, int] = {}
    for record in records:
        copies[bench.truth_of(record.id)] = copies.get(bench.truth_of(record.id), 0) + 1
    assert len(records) == 2_000
    assert set(copies) <= {p.key for p in people}
    assert set(copies.values()) <= {1, 2, 3, 4}
    assert 1.5 < len(records) / len(copies) < 2.1  # about 1.8 records a person


def test_person_records_resolve_at_the_benchmarks_quality(
    resolved: Resolved,
) -> None:
    _people, records, _trained, state = resolved
    precision, recall, f1 = bench.pairwise(state.assignment)
    assert set(state.assignment) == {r.id for r in records}
    assert precision >= 0.99
    assert recall >= 0.85
    assert f1 >= 0.92


def test_an_incremental_batch_joins_known_people_and_renumbers_no_cluster(
    resolved: Resolved,
) -> None:
    people, records, trained, state = resolved
    rng = random.Random(7)
    known = rng.sample(people, BATCH // 2)
    batch = [bench.record(rng, who, f"{who.key}-9", corrupt=True) for who in known]
    batch += bench.generate(BATCH - len(batch), rng, "n", list(people))
    _loaded, _timed, change, moved = bench.incremental(records, trained, state, batch)
    assert moved == 0
    joined = sum(
        1 for who in known if state.assignment[f"{who.key}-9"] == state.assignment[f"{who.key}-0"]
    )
    assert joined >= 0.8 * len(known)
    fresh_people = {bench.truth_of(r.id) for r in batch[len(known) :]}
    assert len(change.new_clusters) >= len(fresh_people)
    precision, _recall, f1 = bench.pairwise(
        {r.id: state.assignment[r.id] for r in [*records, *batch]}
    )
    assert precision >= 0.99
    assert f1 >= 0.92
