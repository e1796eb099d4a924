"""The resolve service over the store: batches, the store's own entities, judgements, look-ups.

The CLI, the API and the workbench call these functions and nothing else, so all three give
the same answer. Every write is audited in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.errors import InvalidInput, NotFound
from ctip.resolve import clusters, judgements, pipeline
from ctip.resolve.clusters import Change, ClusterState, Constraint, Judgements
from ctip.resolve.engine import DEFAULT_THRESHOLD, Engine, ScoredPair
from ctip.resolve.need_to_know import withheld_among, withheld_ids
from ctip.resolve.records import ResolveRecord
from ctip.resolve.store_records import FAMILIES, store_records
from ctip.resolve.tables import (
    ResolveCluster,
    ResolveClusterEvent,
    ResolveLink,
    ResolveRecordRow,
    ResolveReplaced,
    ResolveRun,
)
from ctip.store.db import utc_now
from ctip.store.entities import NOTHING_HIDDEN, Hidden
from ctip.store.paging import Listing, ListingField, PageQuery

SAME, DIFFERENT = judgements.SAME, judgements.DIFFERENT
ORGANISATION_RUN = "store-organisation"
MAX_WHY = 2000
FAMILY_KINDS = {"person": pipeline.Kind.PERSON, "organisation": pipeline.Kind.ORGANISATION}


class UnknownReference(NotFound):
    """A record or cluster id the resolver has never seen."""


@dataclass(frozen=True)
class BatchOutcome:
    """What resolving a batch did: the batch's clusters and what changed."""

    run_id: int | None
    assignment: dict[str, str]
    already_known: int
    links: int
    new_clusters: int
    merged: list[tuple[str, str]]


# -- state -----------------------------------------------------------------------------------


def load_state(session: Session) -> ClusterState:
    """Every record's cluster, every cluster's age, and every replaced id."""
    state = ClusterState()
    for record_id, cluster_id in session.execute(
        select(ResolveRecordRow.record_id, ResolveRecordRow.cluster_id)
    ):
        state.assignment[record_id] = cluster_id
    for cluster_id, seq in session.execute(select(ResolveCluster.cluster_id, ResolveCluster.seq)):
        state.ages[cluster_id] = seq
    state.next_seq = max(state.ages.values(), default=0) + 1
    for old_id, new_id in session.execute(select(ResolveReplaced.old_id, ResolveReplaced.new_id)):
        state.replaced[old_id] = new_id
    return state


def stored_records(session: Session, ids: Iterable[str] | None = None) -> list[ResolveRecord]:
    """Records as they were resolved (their normalised data)."""
    query = select(ResolveRecordRow.data).order_by(ResolveRecordRow.record_id)
    if ids is not None:
        query = query.where(ResolveRecordRow.record_id.in_(list(ids)))
    return [ResolveRecord(**json.loads(data)) for (data,) in session.execute(query)]


def latest_model(session: Session) -> dict[str, Any] | None:
    """The person model of the newest run (Splink settings JSON); batches hold people.

    Organisations are resolved by a model of their own and never score a batch.
    """
    text = session.scalar(
        select(ResolveRun.model_json)
        .where(ResolveRun.kind != ORGANISATION_RUN)
        .order_by(ResolveRun.id.desc())
        .limit(1)
    )
    return json.loads(text) if text else None


# -- judgements ------------------------------------------------------------------------------


def current_decisions(session: Session) -> dict[frozenset[str], str]:
    """The latest decision for each pair of references: the ledger read forwards."""
    return judgements.current_decisions(session)


def _members_of(state: ClusterState, members: dict[str, list[str]], ref: str) -> list[str]:
    if ref in state.assignment:
        return [ref]
    return sorted(members.get(state.surviving(ref), []))


def judgements_for(session: Session, state: ClusterState) -> Judgements:
    """The ledger as clustering constraints, with cluster references expanded to records."""
    members = state.members()
    confirmed, rejected = [], []
    for pair, decision in sorted(current_decisions(session).items(), key=lambda i: sorted(i[0])):
        refs = sorted(pair) if len(pair) == 2 else [next(iter(pair))] * 2
        left, right = (_members_of(state, members, ref) for ref in refs)
        if not left or not right:
            continue
        if decision == SAME:
            confirmed.append((left[0], right[0]))
        else:
            rejected.append(Constraint(frozenset(left), frozenset(right)))
    return Judgements(tuple(confirmed), tuple(rejected))


# -- writing ---------------------------------------------------------------------------------


def _event(
    session: Session,
    cluster_id: str,
    event: str,
    detail: dict[str, Any],
    actor: str,
    run_id: int | None,
) -> None:
    session.add(
        ResolveClusterEvent(
            cluster_id=cluster_id,
            event=event,
            detail=json.dumps(detail, sort_keys=True),
            at=utc_now(),
            actor=actor,
            run_id=run_id,
        )
    )


def _write_clusters(
    session: Session,
    state: ClusterState,
    change: Change,
    actor: str,
    run_id: int | None,
    reason: str,
) -> None:
    now = utc_now()
    for cluster_id in change.new_clusters:
        session.add(
            ResolveCluster(
                cluster_id=cluster_id, seq=state.ages[cluster_id], created_at=now, run_id=run_id
            )
        )
        _event(session, cluster_id, "created", {"reason": reason}, actor, run_id)
    for loser, survivor in change.merged:
        session.add(
            ResolveReplaced(
                old_id=loser, new_id=survivor, reason=reason, replaced_at=now, run_id=run_id
            )
        )
        session.execute(
            update(ResolveReplaced).where(ResolveReplaced.new_id == loser).values(new_id=survivor)
        )
        _event(session, survivor, "merged", {"absorbed": loser, "reason": reason}, actor, run_id)
        _event(session, loser, "replaced", {"by": survivor, "reason": reason}, actor, run_id)
    for source, part in change.split_from:
        _event(session, source, "split", {"part": part, "reason": reason}, actor, run_id)
        _event(session, part, "split_off", {"from": source, "reason": reason}, actor, run_id)


def _move_records(session: Session, before: dict[str, str], state: ClusterState) -> int:
    moved = 0
    for record_id, old in before.items():
        new = state.assignment.get(record_id)
        if new is not None and new != old:
            session.execute(
                update(ResolveRecordRow)
                .where(ResolveRecordRow.record_id == record_id)
                .values(cluster_id=new)
            )
            moved += 1
    return moved


def _write_links(session: Session, pairs: Sequence[ScoredPair], run_id: int) -> None:
    for pair in pairs:
        session.execute(
            delete(ResolveLink).where(
                ResolveLink.left_id == pair.left_id, ResolveLink.right_id == pair.right_id
            )
        )
        session.add(
            ResolveLink(
                left_id=pair.left_id,
                right_id=pair.right_id,
                match_probability=pair.match_probability,
                match_weight=pair.match_weight,
                evidence=json.dumps([asdict(e) for e in pair.evidence]),
                run_id=run_id,
            )
        )


def _new_run(
    session: Session,
    kind: str,
    on: Engine,
    actor: str,
    records: int,
    threshold: float,
    model_json: dict[str, Any],
) -> ResolveRun:
    run = ResolveRun(
        kind=kind,
        engine=on.value,
        started_at=utc_now(),
        actor=actor,
        record_count=records,
        link_count=0,
        new_cluster_count=0,
        merge_count=0,
        threshold=threshold,
        model_json=json.dumps(model_json, sort_keys=True),
    )
    session.add(run)
    session.flush()
    return run


def _add_records(
    session: Session, records: Sequence[ResolveRecord], state: ClusterState, run_id: int
) -> None:
    now = utc_now()
    for record in records:
        session.add(
            ResolveRecordRow(
                record_id=record.id,
                source=record.source,
                cluster_id=state.assignment[record.id],
                data=json.dumps(record.as_row(), sort_keys=True),
                added_at=now,
                run_id=run_id,
            )
        )


# -- resolving -------------------------------------------------------------------------------


def resolve_batch(
    session: Session,
    records: Sequence[ResolveRecord],
    actor: str,
    on: Engine = Engine.DUCKDB,
    threshold: float = DEFAULT_THRESHOLD,
) -> BatchOutcome:
    """Resolve new records against the existing clusters; no existing cluster is renumbered.

    Records already known keep their cluster (a re-sent batch changes nothing).
    """
    state = load_state(session)
    fresh = [r for r in records if r.id not in state.assignment]
    known = len(records) - len(fresh)
    if not fresh:
        assignment = {r.id: state.surviving(state.assignment[r.id]) for r in records}
        return BatchOutcome(None, assignment, known, 0, 0, [])
    existing = stored_records(session)
    trained = latest_model(session) or pipeline.fit_model([*existing, *fresh], on)
    pairs = pipeline.score_batch(existing, fresh, trained, on, threshold)
    before = dict(state.assignment)
    change = clusters.attach_batch(
        state, [r.id for r in fresh], pairs, judgements_for(session, state)
    )
    run = _new_run(session, "batch", on, actor, len(fresh), threshold, trained)
    _finish_run(session, run, state, change, before, pairs, actor)
    _add_records(session, fresh, state, run.id)
    audit.record(session, actor, "resolve.batch", f"resolve-run:{run.id}", _summary(run))
    assignment = {r.id: state.surviving(state.assignment[r.id]) for r in records}
    return BatchOutcome(
        run.id, assignment, known, len(pairs), len(change.new_clusters), list(change.merged)
    )


def _finish_run(
    session: Session,
    run: ResolveRun,
    state: ClusterState,
    change: Change,
    before: dict[str, str],
    pairs: Sequence[ScoredPair],
    actor: str,
) -> None:
    _write_clusters(session, state, change, actor, run.id, f"{run.kind} run {run.id}")
    _move_records(session, before, state)
    _write_links(session, pairs, run.id)
    run.link_count = len(pairs)
    run.new_cluster_count = len(change.new_clusters)
    run.merge_count = len(change.merged)


def _summary(run: ResolveRun) -> dict[str, Any]:
    return {
        "kind": run.kind,
        "engine": run.engine,
        "records": run.record_count,
        "links": run.link_count,
        "new_clusters": run.new_cluster_count,
        "merges": run.merge_count,
        "threshold": run.threshold,
    }


def resolve_all(
    session: Session,
    records: Sequence[ResolveRecord],
    actor: str,
    kind: str = "full",
    on: Engine = Engine.DUCKDB,
    threshold: float = DEFAULT_THRESHOLD,
    step: pipeline.Step = pipeline._no_step,
    names: pipeline.Kind = pipeline.Kind.PERSON,
) -> ResolveRun:
    """Re-resolve a whole set (retraining the model) and reconcile with the stable ids.

    Existing ids survive: each keeps the part holding most of its records, a merge keeps the
    older id, and only parts no old cluster claims get new ids.
    """
    state = load_state(session)
    judgements = judgements_for(session, state)
    resolution = pipeline.resolve_records(records, on, threshold, judgements, step=step, kind=names)
    before = dict(state.assignment)
    change = clusters.reconcile(state, resolution.groups)
    run = _new_run(session, kind, on, actor, len(records), threshold, resolution.model)
    _finish_run(session, run, state, change, before, resolution.pairs, actor)
    known = set(before)
    _add_records(session, [r for r in records if r.id not in known], state, run.id)
    _refresh_data(session, [r for r in records if r.id in known])
    audit.record(session, actor, f"resolve.{kind}", f"resolve-run:{run.id}", _summary(run))
    return run


def _refresh_data(session: Session, records: Sequence[ResolveRecord]) -> None:
    for record in records:
        session.execute(
            update(ResolveRecordRow)
            .where(ResolveRecordRow.record_id == record.id)
            .values(data=json.dumps(record.as_row(), sort_keys=True), source=record.source)
        )


# -- judging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgementOutcome:
    """The ledger entry written and what it did to the clusters."""

    judgement_id: int
    decision: str
    effect: str
    left_cluster: str
    right_cluster: str


def cluster_of_ref(state: ClusterState, ref: str) -> str:
    """The current cluster of a record id or (possibly replaced) cluster id."""
    if ref in state.assignment:
        return state.surviving(state.assignment[ref])
    if ref in state.ages or ref in state.replaced:
        return state.surviving(ref)
    raise UnknownReference(f"no record or cluster {ref!r}")


def _withheld(session: Session, ref: str, members: Sequence[str], hidden: Hidden) -> set[str]:
    """The members of the cluster `ref` stands for that are withheld from a reader who may
    not see `hidden` (`ctip.resolve.need_to_know`); a withheld record, or a cluster of
    withheld records only, is unknown to them."""
    withheld = withheld_among(session, members, hidden)
    if ref in withheld or (members and withheld >= set(members)):
        raise UnknownReference(f"no record or cluster {ref!r}")
    return withheld


def judge(
    session: Session,
    actor: str,
    left: str,
    right: str,
    same: bool,
    why: str,
    hidden: Hidden = NOTHING_HIDDEN,
) -> JudgementOutcome:
    """Append a judgement to the ledger and apply it at once (merge, split or nothing); a
    record withheld from the judge (`hidden` sources) is unknown to them."""
    why = why.strip()
    if not why:
        raise InvalidInput("say why: a judgement without a reason cannot be reviewed")
    if len(why) > MAX_WHY:
        raise InvalidInput(f"keep the reason under {MAX_WHY} characters")
    if left == right:
        raise InvalidInput("a judgement needs two different records or clusters")
    state = load_state(session)
    left_cluster, right_cluster = cluster_of_ref(state, left), cluster_of_ref(state, right)
    if hidden:
        members = state.members()
        for ref, cluster_id in ((left, left_cluster), (right, right_cluster)):
            _withheld(session, ref, members.get(cluster_id, []), hidden)
    entry = judgements.record(session, actor, left, right, same, why)
    decision = entry.kind
    before = dict(state.assignment)
    if same:
        effect = _apply_same(session, state, left_cluster, right_cluster, actor)
    else:
        effect = _apply_different(session, state, left_cluster, right_cluster, actor)
    _move_records(session, before, state)
    detail = {"left": left, "right": right, "decision": decision, "why": why, "effect": effect}
    for cluster_id in {left_cluster, right_cluster}:
        _event(session, cluster_id, "judged", detail | {"judgement": entry.id}, actor, None)
    return JudgementOutcome(entry.id, decision, effect, left_cluster, right_cluster)


def _apply_same(session: Session, state: ClusterState, left: str, right: str, actor: str) -> str:
    if left == right:
        return f"already one cluster ({left})"
    survivor, loser = sorted((left, right), key=lambda c: (state.ages.get(c, 0), c))
    change = Change(merged=((loser, survivor),))
    clusters._apply_merges(state, change.merged)
    _write_clusters(session, state, change, actor, None, "judgement")
    return f"merged {loser} into {survivor}"


def _apply_different(
    session: Session, state: ClusterState, left: str, right: str, actor: str
) -> str:
    if left != right:
        return "kept apart (they were in different clusters)"
    members = state.members()[left]
    pairs = _stored_pairs(session, members)
    groups = clusters.cluster_records(members, pairs, judgements_for(session, state))
    change = clusters.reconcile(state, groups)
    _write_clusters(session, state, change, actor, None, "judgement")
    parts = ", ".join(change.new_clusters)
    return f"split {left}: {parts} split off" if parts else f"could not split {left}"


def _stored_pairs(session: Session, members: Sequence[str]) -> list[ScoredPair]:
    rows = session.execute(
        select(
            ResolveLink.left_id,
            ResolveLink.right_id,
            ResolveLink.match_probability,
            ResolveLink.match_weight,
        ).where(ResolveLink.left_id.in_(members), ResolveLink.right_id.in_(members))
    )
    return [ScoredPair(a, b, p, w) for a, b, p, w in rows]


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkView:
    """A model link inside a cluster and the evidence for it."""

    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    evidence: list[dict[str, Any]]


@dataclass(frozen=True)
class JudgementView:
    """One ledger entry."""

    id: int
    left_ref: str
    right_ref: str
    decision: str
    why: str
    actor: str
    judged_at: str


@dataclass(frozen=True)
class ClusterView:
    """A cluster as an analyst reviews it: records, links with evidence, judgements."""

    asked: str
    cluster_id: str
    replaced_ids: list[str]
    records: list[dict[str, Any]]
    links: list[LinkView]
    judgements: list[JudgementView]


def get_cluster(session: Session, ref: str, hidden: Hidden = NOTHING_HIDDEN) -> ClusterView:
    """The cluster a record id or cluster id (even a replaced one) stands for now, as a
    reader who may not see the `hidden` sources sees it (`ctip.resolve.need_to_know`)."""
    state = load_state(session)
    cluster_id = cluster_of_ref(state, ref)
    members = sorted(state.members().get(cluster_id, []))
    withheld = _withheld(session, ref, members, hidden)
    ids = [member for member in members if member not in withheld]
    records = [r.as_row() for r in stored_records(session, ids)]
    links = [
        LinkView(
            row.left_id,
            row.right_id,
            row.match_probability,
            row.match_weight,
            json.loads(row.evidence),
        )
        for row in session.scalars(
            select(ResolveLink)
            .where(ResolveLink.left_id.in_(ids), ResolveLink.right_id.in_(ids))
            .order_by(ResolveLink.match_probability.desc(), ResolveLink.left_id)
        )
    ]
    replaced = sorted(old for old in state.replaced if state.surviving(old) == cluster_id)
    refs = [*ids, cluster_id, *replaced]
    judged = _judgements_on(session, refs, withheld)
    return ClusterView(ref, cluster_id, replaced, records, links, judged)


def _judgements_on(
    session: Session, refs: Sequence[str], withheld: set[str]
) -> list[JudgementView]:
    """The judgements naming one of `refs` and none of the `withheld` records."""
    return [
        JudgementView(e.id, e.payload["left"], e.payload["right"], e.kind, e.reason, e.actor, e.at)
        for e in judgements.involving(session, refs)
        if not {e.payload["left"], e.payload["right"]} & withheld
    ]


@dataclass(frozen=True)
class HistoryEvent:
    """One thing that happened to a cluster id."""

    at: str
    cluster_id: str
    event: str
    detail: dict[str, Any]
    actor: str


def history(session: Session, ref: str, hidden: Hidden = NOTHING_HIDDEN) -> list[HistoryEvent]:
    """Everything that happened to a cluster and to the ids it absorbed, oldest first (for a
    reader with `hidden` sources, not the judgements of records withheld from them)."""
    view = get_cluster(session, ref, hidden)
    ids = [view.cluster_id, *view.replaced_ids]
    rows = session.scalars(
        select(ResolveClusterEvent)
        .where(ResolveClusterEvent.cluster_id.in_(ids))
        .order_by(ResolveClusterEvent.id)
    )
    events = [
        HistoryEvent(e.at, e.cluster_id, e.event, json.loads(e.detail), e.actor) for e in rows
    ]
    named = {str(e.detail[side]) for e in events for side in ("left", "right") if side in e.detail}
    withheld = withheld_among(session, named, hidden)
    return [e for e in events if not {e.detail.get("left"), e.detail.get("right")} & withheld]


def clusters_of(session: Session, record_ids: Sequence[str]) -> dict[str, str]:
    """Record id -> current cluster id, for other areas that hold entity ids."""
    rows = session.execute(
        select(ResolveRecordRow.record_id, ResolveRecordRow.cluster_id).where(
            ResolveRecordRow.record_id.in_(list(record_ids))
        )
    )
    return {record_id: cluster_id for record_id, cluster_id in rows}


def resolve_store(
    session: Session,
    actor: str,
    on: Engine = Engine.DUCKDB,
    threshold: float = DEFAULT_THRESHOLD,
    step: pipeline.Step = pipeline._no_step,
) -> list[ResolveRun]:
    """Resolve the store's people, then its organisations (never a person with a company)."""
    runs = []
    for family, schemata in FAMILIES.items():
        records = store_records(session, schemata)
        if len(records) < 2:
            continue
        step(f"{family}: {len(records)} records")
        names = FAMILY_KINDS[family]
        runs.append(
            resolve_all(session, records, actor, f"store-{family}", on, threshold, step, names)
        )
    return runs


@dataclass(frozen=True)
class ClusterSummary:
    """A cluster in a review list."""

    cluster_id: str
    size: int


def largest_clusters(session: Session, limit: int = 100) -> list[ClusterSummary]:
    """Clusters holding more than one record, largest first: where merges need review."""
    query = PageQuery(per_page=limit, sort="records", descending=True)
    return cluster_listing().page(session, query).rows


def cluster_listing(hidden: Hidden = NOTHING_HIDDEN) -> Listing[ClusterSummary]:
    """Clusters holding more than one record for the workbench's table, paged and sorted in
    SQL: largest first by default, searchable by cluster id. Records withheld from a reader
    who may not see the `hidden` sources are not counted (`ctip.resolve.need_to_know`)."""
    size = func.count(ResolveRecordRow.record_id)
    statement = select(ResolveRecordRow.cluster_id, size)
    if hidden:
        statement = statement.where(ResolveRecordRow.record_id.not_in(withheld_ids(hidden)))
    statement = statement.group_by(ResolveRecordRow.cluster_id).having(size > 1)
    fields = {
        "cluster": ListingField(ResolveRecordRow.cluster_id, searched=True),
        "records": ListingField(size),
    }
    return Listing(
        statement,
        fields,
        lambda row: ClusterSummary(row[0], int(row[1])),
        (ResolveRecordRow.cluster_id,),
    )
