"""Tables of the resolve area: resolved records, clusters, replaced ids, links, runs.

Cluster ids are what other areas cite (a case subject, a network member), so they are never
reused or renumbered: `resolve_replaced` keeps every id a merge retired with the id that
absorbed it. Analysts' judgements are streams of the shared append-only ledger
(`ctip.resolve.judgements`); the current decision on a pair is computed from them.
"""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base


class ResolveRun(Base):
    """One resolution: what was resolved, on which engine, with which model (Splink JSON)."""

    __tablename__ = "resolve_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    engine: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[str] = mapped_column(TIMESTAMP)
    actor: Mapped[str] = mapped_column(String(100))
    record_count: Mapped[int] = mapped_column(Integer)
    link_count: Mapped[int] = mapped_column(Integer)
    new_cluster_count: Mapped[int] = mapped_column(Integer)
    merge_count: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Float)
    model_json: Mapped[str] = mapped_column(Text)


class ResolveRecordRow(Base):
    """A record the resolver knows (an entity id, or a record sent in a batch) and its cluster."""

    __tablename__ = "resolve_records"
    __table_args__ = (Index("ix_resolve_records_cluster_id", "cluster_id"),)

    record_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    cluster_id: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(TIMESTAMP)
    run_id: Mapped[int] = mapped_column(Integer)


class ResolveCluster(Base):
    """A cluster id ever issued; `seq` orders them by age (a merge keeps the older)."""

    __tablename__ = "resolve_clusters"

    cluster_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ResolveReplaced(Base):
    """A retired cluster id and the id that absorbed it, so old citations still resolve."""

    __tablename__ = "resolve_replaced"

    old_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(30))
    replaced_at: Mapped[str] = mapped_column(TIMESTAMP)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ResolveLink(Base):
    """A pair the model linked, with its probability and per-comparison evidence (JSON)."""

    __tablename__ = "resolve_links"
    __table_args__ = (Index("ix_resolve_links_right_id", "right_id"),)

    left_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    right_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int] = mapped_column(Integer)


class ResolveClusterEvent(Base):
    """What happened to a cluster id (created, joined, merged in, split, judged): its history."""

    __tablename__ = "resolve_cluster_events"
    __table_args__ = (Index("ix_resolve_cluster_events_cluster_id", "cluster_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cluster_id: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(TIMESTAMP)
    actor: Mapped[str] = mapped_column(String(100))
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
