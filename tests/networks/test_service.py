"""Loading ads and building networks in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.networks import profile, service
from ctip.networks.evaluate import pairwise_score
from ctip.networks.synthetic import generate
from ctip.networks.tables import AdNetwork, AdRow
from ctip.store import entities
from ctip.store.db import Database
from ctip.store.tables import AuditEvent

ACTOR = "test-investigator"


def ad(ad_id: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"site": "s.example", "ad_id": ad_id, "posted_at": "2026-03-01", "body": body, **extra}


def lines(*rows: dict[str, Any]) -> bytes:
    return ("\n".join(json.dumps(r) for r in rows) + "\n").encode()


def count(database: Database, table: type) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def load(database: Database, data: bytes, name: str = "ads.jsonl") -> service.LoadOutcome:
    with database.session() as session:
        return service.load_ads(session, data, name, ACTOR)


def build(database: Database) -> service.BuildOutcome:
    with database.session() as session:
        return service.build_networks(session, ACTOR)


def test_load_is_all_or_nothing_and_names_each_bad_row(database: Database) -> None:
    data = lines(
        ad("1", "call 202 555 0143"),
        ad("2", "hi", phones=["12"]),
        ad("3", "hi", posted_at="last week"),
        ad("1", "again"),
    )
    with pytest.raises(FileRejected) as caught:
        load(database, data)
    reasons = {e.row: e.reason for e in caught.value.errors}
    assert set(reasons) == {3, 4}  # a phone that cannot be read is a warning, not a bad row
    assert "posted_at" in reasons[3]
    assert "twice" in reasons[4]
    assert count(database, AdRow) == 0


def test_load_reads_csv_and_is_idempotent(database: Database) -> None:
    data = (
        b"site,ad_id,posted_at,title,body,phones,image_hashes\n"
        b"s.example,1,2026-03-01T10:00:00,Mia,call seven one three 555 2345,,abcdef0123\n"
        b"s.example,2,2026-03-02,Mia,new in town,713-555-2345;202 555 0143,\n"
    )
    first = load(database, data, "ads.csv")
    again = load(database, data, "ads.csv")
    assert (first.ads_new, first.already_imported) == (2, False)
    assert (again.ads_new, again.already_imported) == (0, True)
    assert count(database, AdRow) == 2
    with database.session() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("ads.load") == 1


def test_an_edited_ad_is_refused_not_overwritten(database: Database) -> None:
    load(database, lines(ad("1", "first text")))
    with pytest.raises(FileRejected, match="different content"):
        load(database, lines(ad("1", "edited text"), ad("2", "other")))
    with database.session() as session:
        assert session.execute(select(AdRow.body)).scalars().all() == ["first text"]


def test_build_links_hidden_phone_and_keeps_ids(database: Database) -> None:
    load(database, lines(ad("1", "call 202 555 0143"), ad("2", "txt two oh two 555 oh one 4 3")))
    first = build(database)
    with database.session() as session:
        (network,) = profile.list_networks(session)
        found = profile.network_profile(session, network.id)
    assert found is not None and network.ad_count == 2
    assert [(k.kind, k.value) for k in found.links] == [("phone", "+12025550143")]
    load(database, lines(ad("3", "lonely ad with no identifiers at all")), "more.jsonl")
    second = build(database)
    assert (first.new_ids, second.kept_ids, second.new_ids) == (1, 1, 0)
    with database.session() as session:
        assert [n.id for n in profile.list_networks(session)] == [network.id]


def test_a_merge_keeps_the_older_id_and_records_the_other(database: Database) -> None:
    load(database, lines(ad("1", "call 202 555 0143"), ad("2", "202.555.0143")), "a.jsonl")
    build(database)
    load(database, lines(ad("3", "call 312 555 0199"), ad("4", "312-555-0199")), "b.jsonl")
    build(database)
    with database.session() as session:
        networks = session.execute(select(AdNetwork)).scalars()
        older, newer = sorted(networks, key=lambda n: n.build_id)
        older_id, newer_id = older.id, newer.id
    load(database, lines(ad("5", "new numbers 202 555 0143 and 312 555 0199")), "c.jsonl")
    outcome = build(database)
    assert (outcome.networks, outcome.merged) == (1, 1)
    with database.session() as session:
        kept = session.get(AdNetwork, older_id)
        gone = session.get(AdNetwork, newer_id)
        assert kept is not None and gone is not None
        assert (kept.status, kept.ad_count) == ("active", 5)
        assert (gone.status, gone.replaced_by) == ("merged", older_id)


def test_networks_match_the_planted_truth(database: Database) -> None:
    world = generate(ads=300, networks=4, seed=7)
    load(database, lines(*world.ads))
    build(database)
    with database.session() as session:
        groups = []
        for network in profile.list_networks(session, limit=500):
            rows = profile.network_ads(session, network.id)
            groups.append([f"{r.site}/{r.ad_id}" for r in rows])
    grouped = {key for group in groups for key in group}
    groups += [[key] for key in world.truth if key not in grouped]
    result = pairwise_score(groups, world.truth)
    print(f"pairwise precision {result.precision:.4f} recall {result.recall:.4f}")
    assert result.precision >= 0.95
    assert result.recall >= 0.95


def test_network_phones_are_entities_next_to_everything_else(database: Database) -> None:
    load(database, lines(ad("1", "call 202 555 0143", account="mia"), ad("2", "2025550143")))
    build(database)
    with database.session() as session:
        found = entities.find_by_identifier(session, "(202) 555-0143", "phone")
        assert [e.schema for e in found] == ["LegalEntity"]
        links = entities.entity_links(session, found[0].id)
    assert [(link.other.schema, link.other.caption) for link in links] == [("UserAccount", "mia")]
