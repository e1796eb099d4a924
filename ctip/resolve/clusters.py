"""Clusters from scored pairs, analysts' judgements as hard constraints, and stable cluster ids.

Clustering is a union-find over the model's links taken strongest first. A judgement always
wins over the model: a confirmed pair is joined before any model link is looked at, and a
rejected pair (or a pair of clusters judged different) is a cannot-link constraint that no
later link may break, so a chain of model links cannot sneak the two back together.

Ids are stable: an existing cluster keeps its id when a batch is resolved, a merge keeps the
older id and records the other as replaced, and a split keeps the id on its larger part.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ctip.resolve.engine import ScoredPair

CLUSTER_PREFIX = "cl-"


@dataclass(frozen=True)
class Constraint:
    """No cluster may hold a node of `left` and a node of `right` (a rejected merge)."""

    left: frozenset[str]
    right: frozenset[str]


@dataclass
class ConstrainedUnion:
    """Union-find whose merges respect cannot-link constraints."""

    parent: dict[str, str] = field(default_factory=dict)
    tags: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def find(self, node: str) -> str:
        """The root of a node's set (adding the node when it is new)."""
        parent = self.parent.setdefault(node, node)
        if parent == node:
            return node
        root = self.find(parent)
        self.parent[node] = root
        return root

    def constrain(self, index: int, constraint: Constraint) -> None:
        """Tag each side's nodes so a merge joining both sides can be seen and refused."""
        for side, nodes in enumerate((constraint.left, constraint.right)):
            for node in nodes:
                self.tags.setdefault(self.find(node), set()).add((index, side))

    def conflicts(self, a: str, b: str) -> bool:
        """Whether joining the sets of roots a and b would break a constraint."""
        tags_a, tags_b = self.tags.get(a, set()), self.tags.get(b, set())
        if len(tags_a) > len(tags_b):
            tags_a, tags_b = tags_b, tags_a
        return any((index, 1 - side) in tags_b for index, side in tags_a)

    def union(self, a: str, b: str, force: bool = False) -> bool:
        """Join two nodes' sets; refused (False) when it would break a constraint."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if not force and self.conflicts(root_a, root_b):
            self.refused.append((a, b))
            return False
        low, high = sorted((root_a, root_b))
        self.parent[high] = low
        self.tags.setdefault(low, set()).update(self.tags.pop(high, set()))
        return True

    def groups(self, nodes: Iterable[str]) -> dict[str, list[str]]:
        """Root -> its nodes, for the given nodes."""
        members: dict[str, list[str]] = defaultdict(list)
        for node in nodes:
            members[self.find(node)].append(node)
        return members


@dataclass(frozen=True)
class Judgements:
    """What analysts decided, as record-level pairs to join and constraints to respect."""

    confirmed: tuple[tuple[str, str], ...] = ()
    rejected: tuple[Constraint, ...] = ()


def strongest_first(pairs: Iterable[ScoredPair]) -> list[ScoredPair]:
    """Pairs by falling probability; ties by ids, so every engine gives the same clusters."""
    return sorted(pairs, key=lambda p: (-p.match_probability, p.left_id, p.right_id))


def link_components(
    nodes: Iterable[str],
    pairs: Iterable[tuple[str, str]],
    judgements: Judgements = Judgements(),
) -> ConstrainedUnion:
    """Judgements first (rejections as constraints, confirmations joined), then model links."""
    union = ConstrainedUnion()
    for node in nodes:
        union.find(node)
    for index, constraint in enumerate(judgements.rejected):
        union.constrain(index, constraint)
    for left, right in judgements.confirmed:
        union.union(left, right, force=True)
    for left, right in pairs:
        union.union(left, right)
    return union


def cluster_records(
    record_ids: Sequence[str],
    pairs: Iterable[ScoredPair],
    judgements: Judgements = Judgements(),
) -> dict[str, list[str]]:
    """Groups of record ids (keyed by their smallest id), constrained by the judgements."""
    links = ((p.left_id, p.right_id) for p in strongest_first(pairs))
    union = link_components(record_ids, links, judgements)
    return {min(m): sorted(m) for m in union.groups(record_ids).values()}


def number_in_file_order(
    record_ids: Sequence[str], groups: Mapping[str, list[str]]
) -> dict[str, str]:
    """Record id -> cluster id for a one-off file: clusters numbered by first appearance."""
    group_of = {member: key for key, members in groups.items() for member in members}
    numbers: dict[str, str] = {}
    assignment: dict[str, str] = {}
    for record_id in record_ids:
        key = group_of[record_id]
        if key not in numbers:
            numbers[key] = f"{CLUSTER_PREFIX}{len(numbers) + 1}"
        assignment[record_id] = numbers[key]
    return assignment


@dataclass
class ClusterState:
    """Which cluster each record is in, how old each cluster is, and which ids were replaced."""

    assignment: dict[str, str] = field(default_factory=dict)
    ages: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, str] = field(default_factory=dict)
    next_seq: int = 1

    def new_id(self) -> str:
        """A never-used cluster id, younger than every existing one."""
        cluster_id = f"{CLUSTER_PREFIX}{self.next_seq}"
        self.ages[cluster_id] = self.next_seq
        self.next_seq += 1
        return cluster_id

    def surviving(self, cluster_id: str) -> str:
        """The cluster an id stands for now, following replaced ids to the survivor."""
        seen = set()
        while cluster_id in self.replaced and cluster_id not in seen:
            seen.add(cluster_id)
            cluster_id = self.replaced[cluster_id]
        return cluster_id

    def members(self) -> dict[str, list[str]]:
        """Cluster id -> its record ids."""
        groups: dict[str, list[str]] = defaultdict(list)
        for record_id, cluster_id in self.assignment.items():
            groups[cluster_id].append(record_id)
        return groups


@dataclass(frozen=True)
class Change:
    """What a resolution did to the clusters: new ids, merges (replaced -> survivor), splits."""

    new_clusters: tuple[str, ...] = ()
    merged: tuple[tuple[str, str], ...] = ()
    split_from: tuple[tuple[str, str], ...] = ()
    moved_records: int = 0


def _older(state: ClusterState, ids: Iterable[str]) -> list[str]:
    return sorted(ids, key=lambda cluster_id: (state.ages.get(cluster_id, 0), cluster_id))


def _homes(state: ClusterState, groups: Mapping[str, list[str]]) -> dict[str, str]:
    """Old cluster id -> the group holding most of its records (ties: the smaller group key)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for key, members in groups.items():
        for record_id in members:
            old = state.assignment.get(record_id)
            if old is not None:
                counts[old][key] += 1
    return {old: min(c, key=lambda k: (-c[k], k)) for old, c in counts.items()}


def reconcile(state: ClusterState, groups: Mapping[str, list[str]]) -> Change:
    """Give fresh groups stable ids: keep, merge into the older, split onto the larger part."""
    homes = _homes(state, groups)
    claims: dict[str, list[str]] = defaultdict(list)
    for old, key in homes.items():
        claims[key].append(old)
    new_ids, merged, split = [], [], []
    moved = 0
    for key in sorted(groups):
        owners = _older(state, claims.get(key, []))
        cluster_id = owners[0] if owners else state.new_id()
        if not owners:
            new_ids.append(cluster_id)
        for loser in owners[1:]:
            state.replaced[loser] = cluster_id
            merged.append((loser, cluster_id))
        for record_id in groups[key]:
            before = state.assignment.get(record_id)
            if before is not None and before != cluster_id:
                moved += 1
                if before not in owners:
                    split.append((before, cluster_id))
            state.assignment[record_id] = cluster_id
    return Change(tuple(new_ids), tuple(merged), tuple(sorted(set(split))), moved)


def attach_batch(
    state: ClusterState,
    new_ids: Sequence[str],
    pairs: Iterable[ScoredPair],
    judgements: Judgements = Judgements(),
) -> Change:
    """Resolve a batch against existing clusters without touching any other cluster.

    The nodes are the new records and the existing clusters they link to; an existing
    cluster is never renumbered: a new record joins it, two clusters bridged by new records
    merge into the older id (the younger recorded as replaced), the rest become new clusters.
    """
    fresh = set(new_ids)

    def node(record_id: str) -> str:
        if record_id in fresh:
            return f"r:{record_id}"
        return f"c:{state.surviving(state.assignment[record_id])}"

    def nodes_of(record_ids: Iterable[str]) -> frozenset[str]:
        known = (r for r in record_ids if r in fresh or r in state.assignment)
        return frozenset(node(r) for r in known)

    constrained = Judgements(
        confirmed=tuple(
            (node(a), node(b))
            for a, b in judgements.confirmed
            if all(r in fresh or r in state.assignment for r in (a, b))
        ),
        rejected=tuple(
            Constraint(nodes_of(c.left), nodes_of(c.right)) for c in judgements.rejected
        ),
    )
    links = [(node(p.left_id), node(p.right_id)) for p in strongest_first(pairs)]
    union = link_components((f"r:{r}" for r in new_ids), links, constrained)
    return _assign_batch(state, union, new_ids)


def _assign_batch(state: ClusterState, union: ConstrainedUnion, new_ids: Sequence[str]) -> Change:
    groups = union.groups(union.parent)
    new_clusters, merged = [], []
    for _root, nodes in sorted(groups.items()):
        existing = _older(state, (n[2:] for n in nodes if n.startswith("c:")))
        records = sorted(n[2:] for n in nodes if n.startswith("r:"))
        if not records and len(existing) < 2:
            continue
        cluster_id = existing[0] if existing else state.new_id()
        if not existing:
            new_clusters.append(cluster_id)
        for loser in existing[1:]:
            merged.append((loser, cluster_id))
        for record_id in records:
            state.assignment[record_id] = cluster_id
    moved = _apply_merges(state, merged)
    return Change(tuple(new_clusters), tuple(merged), (), moved)


def _apply_merges(state: ClusterState, merged: Sequence[tuple[str, str]]) -> int:
    """Move the records of each replaced cluster to its survivor; the count moved."""
    if not merged:
        return 0
    for loser, survivor in merged:
        state.replaced[loser] = survivor
    moved = 0
    for record_id, cluster_id in state.assignment.items():
        survivor = state.surviving(cluster_id)
        if survivor != cluster_id:
            state.assignment[record_id] = survivor
            moved += 1
    return moved
