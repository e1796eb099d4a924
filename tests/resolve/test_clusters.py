"""Clustering under judgements, and stable cluster ids across resolutions."""

from __future__ import annotations

from ctip.resolve.clusters import (
    ClusterState,
    Constraint,
    Judgements,
    attach_batch,
    cluster_records,
    reconcile,
)
from ctip.resolve.engine import ScoredPair


def pair(a: str, b: str, p: float = 0.99) -> ScoredPair:
    return ScoredPair(a, b, p, 10.0)


def test_a_rejected_pair_is_never_joined_even_through_a_chain() -> None:
    pairs = [pair("a", "c", 0.99), pair("c", "b", 0.95)]
    rejected = Judgements(rejected=(Constraint(frozenset({"a"}), frozenset({"b"})),))
    groups = cluster_records(["a", "b", "c"], pairs, rejected)
    assert sorted(groups.values()) == [["a", "c"], ["b"]]
    assert sorted(cluster_records(["a", "b", "c"], pairs).values()) == [["a", "b", "c"]]


def test_a_confirmed_pair_is_joined_without_any_model_link() -> None:
    groups = cluster_records(["a", "b"], [], Judgements(confirmed=(("a", "b"),)))
    assert list(groups.values()) == [["a", "b"]]


def _state(assignment: dict[str, str]) -> ClusterState:
    state = ClusterState(assignment=dict(assignment))
    for cluster_id in set(assignment.values()):
        state.ages[cluster_id] = int(cluster_id[3:])
        state.next_seq = max(state.next_seq, int(cluster_id[3:]) + 1)
    return state


def test_a_merge_keeps_the_older_id_and_records_the_other_as_replaced() -> None:
    state = _state({"a": "cl-2", "b": "cl-5"})
    change = reconcile(state, {"a": ["a", "b"]})
    assert state.assignment == {"a": "cl-2", "b": "cl-2"}
    assert change.merged == (("cl-5", "cl-2"),)
    assert state.surviving("cl-5") == "cl-2"


def test_a_split_keeps_the_id_on_the_larger_part() -> None:
    state = _state({"a": "cl-1", "b": "cl-1", "c": "cl-1"})
    change = reconcile(state, {"a": ["a"], "b": ["b", "c"]})
    assert state.assignment["b"] == state.assignment["c"] == "cl-1"
    assert state.assignment["a"] == "cl-2"
    assert change.new_clusters == ("cl-2",)
    assert change.split_from == (("cl-1", "cl-2"),)


def test_a_batch_joins_existing_clusters_without_renumbering_any() -> None:
    state = _state({"a": "cl-1", "b": "cl-2", "c": "cl-3"})
    before = dict(state.assignment)
    pairs = [pair("a", "n1"), pair("n1", "n2"), pair("c", "n3"), pair("b", "n3", 0.95)]
    change = attach_batch(state, ["n1", "n2", "n3", "n4"], pairs)
    assert state.assignment["n1"] == state.assignment["n2"] == "cl-1"
    assert state.assignment["n3"] == "cl-2"
    assert state.assignment["n4"] == "cl-4"
    assert change.merged == (("cl-3", "cl-2"),)
    for record_id, old in before.items():
        assert state.assignment[record_id] in {old, state.surviving(old)}


def test_a_batch_respects_a_rejection_between_existing_clusters() -> None:
    state = _state({"a": "cl-1", "b": "cl-2"})
    rejected = Judgements(rejected=(Constraint(frozenset({"a"}), frozenset({"b"})),))
    attach_batch(state, ["n"], [pair("a", "n", 0.99), pair("b", "n", 0.98)], rejected)
    assert state.assignment == {"a": "cl-1", "b": "cl-2", "n": "cl-1"}
    assert state.replaced == {}
