"""The store-backed resolver: stable ids across batches, replaced ids, the judgement ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ctip.resolve import judgements, service
from ctip.resolve.records import ResolveRecord, record_from_row
from ctip.store.db import Database
from ctip.store.tables import AuditEvent


def rec(record_id: str, **fields: str) -> ResolveRecord:
    return record_from_row({"id": record_id, **fields}, "intake")


ANA_BORN = {"first_name": "Ana", "last_name": "Lima", "birth_date": "1990-01-02"}
ANA_PHONE = {"first_name": "Ana", "last_name": "Lima", "phone": "+5511987654321"}
BEA = {"first_name": "Beatriz", "last_name": "Souza", "birth_date": "1985-07-30"}


def batch(database: Database, *records: ResolveRecord) -> service.BatchOutcome:
    with database.session() as session:
        return service.resolve_batch(session, list(records), "analyst-1")


def test_a_new_batch_joins_existing_clusters_and_keeps_their_ids(database: Database) -> None:
    first = batch(database, rec("a1", **ANA_BORN), rec("a2", **ANA_BORN), rec("b1", **BEA))
    assert first.assignment["a1"] == first.assignment["a2"] != first.assignment["b1"]
    second = batch(
        database,
        rec("a3", **ANA_BORN, city="Recife"),
        rec("c1", first_name="Carlos", last_name="Reis", birth_date="1970-03-04"),
    )
    assert second.assignment["a3"] == first.assignment["a1"]
    assert second.assignment["c1"] not in set(first.assignment.values())
    with database.session() as session:
        view = service.get_cluster(session, first.assignment["a1"])
        assert {r["id"] for r in view.records} == {"a1", "a2", "a3"}
        assert view.links and all(link.evidence for link in view.links)
        names = {e["comparison"] for link in view.links for e in link.evidence}
        assert {"name", "birth_date"} <= names
        for link in view.links:  # the named weights add up to the link's weight: nothing hidden
            total = sum(e["match_weight"] for e in link.evidence)
            assert abs(total - link.match_weight) < 0.01


def test_a_resent_batch_changes_nothing(database: Database) -> None:
    first = batch(database, rec("a1", **ANA_BORN), rec("b1", **BEA))
    again = batch(database, rec("a1", **ANA_BORN), rec("b1", **BEA))
    assert again.run_id is None
    assert again.already_known == 2
    assert again.assignment == first.assignment


def test_a_bridging_record_merges_into_the_older_id_and_the_old_id_still_resolves(
    database: Database,
) -> None:
    first = batch(database, rec("x", **ANA_BORN), rec("y", **ANA_PHONE))
    older, younger = first.assignment["x"], first.assignment["y"]
    assert older != younger
    second = batch(database, rec("z", **ANA_BORN, phone="+5511987654321"))
    assert second.merged == [(younger, older)]
    assert second.assignment["z"] == older
    with database.session() as session:
        view = service.get_cluster(session, younger)
        assert view.cluster_id == older
        assert view.replaced_ids == [younger]
        assert {r["id"] for r in view.records} == {"x", "y", "z"}
        events = [e.event for e in service.history(session, older)]
        assert "merged" in events


def test_a_rejection_splits_the_cluster_and_holds_against_later_batches(database: Database) -> None:
    first = batch(database, rec("a1", **ANA_BORN), rec("a2", **ANA_BORN), rec("a3", **ANA_BORN))
    cluster = first.assignment["a1"]
    with database.session() as session:
        outcome = service.judge(session, "analyst-2", "a1", "a3", False, "different mothers")
    assert outcome.effect.startswith(f"split {cluster}")
    with database.session() as session:
        assert service.clusters_of(session, ["a1", "a2", "a3"])["a2"] == cluster
        clusters = service.clusters_of(session, ["a1", "a3"])
    assert clusters["a1"] != clusters["a3"]
    later = batch(database, rec("a4", **ANA_BORN))
    with database.session() as session:
        after = service.clusters_of(session, ["a1", "a3", "a4"])
    assert after["a1"] != after["a3"]
    assert later.assignment["a4"] in {after["a1"], after["a3"]}


def test_a_confirmation_merges_two_clusters_and_is_audited(database: Database) -> None:
    first = batch(database, rec("a", **ANA_BORN), rec("b", **BEA))
    with database.session() as session:
        outcome = service.judge(
            session, "analyst-3", first.assignment["a"], "b", True, "same passport photo"
        )
    assert outcome.effect.startswith("merged")
    with database.session() as session:
        view = service.get_cluster(session, "b")
        assert {r["id"] for r in view.records} == {"a", "b"}
        assert view.judgements[0].why == "same passport photo"
        assert view.judgements[0].actor == "analyst-3"
        audited = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "resolve.judge")
        )
        assert audited == 1


def test_the_ledger_is_append_only_and_the_latest_decision_wins(database: Database) -> None:
    batch(database, rec("a", **ANA_BORN), rec("b", **BEA))
    with database.session() as session:
        service.judge(session, "analyst", "a", "b", True, "looked alike")
    with database.session() as session:
        outcome = service.judge(session, "supervisor", "a", "b", False, "documents differ")
    assert outcome.effect.startswith("split")
    with database.session() as session:
        assert judgements.count(session) == 2
        clusters = service.clusters_of(session, ["a", "b"])
    assert clusters["a"] != clusters["b"]


@pytest.mark.parametrize(
    ("left", "right", "why", "error"),
    [
        ("a", "nobody", "x", service.UnknownReference),
        ("a", "b", "  ", ValueError),
        ("a", "a", "x", ValueError),
    ],
)
def test_bad_judgements_are_refused_and_write_nothing(
    sqlite_database: Database, left: str, right: str, why: str, error: type[Exception]
) -> None:
    batch(sqlite_database, rec("a", **ANA_BORN), rec("b", **BEA))
    with pytest.raises(error), sqlite_database.session() as session:
        service.judge(session, "analyst", left, right, True, why)
    with sqlite_database.session() as session:
        assert judgements.count(session) == 0
