"""Cases on SQLite and PostgreSQL: numbering, status from the ledger, need to know,
deconfliction, arrests and charges, and the figures moving with the records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.cases import arrests, evidence, metrics, service, subjects, views
from ctip.cases.service import CaseConflict, InvalidCase, NeedToKnow, Status
from ctip.model.errors import InvalidInput, NotFound
from ctip.model.roles import Role
from ctip.resolve.tables import ResolveCluster, ResolveRecordRow
from ctip.store import ledger
from ctip.store.db import Database
from ctip.store.paging import PageQuery
from ctip.store.tables import AuditEvent
from tests.cases.conftest import SHARED_PHONE, import_people, person

KIND = "deconfliction"
ANA = person("ana")
BO = person("bo")
SUP = person("sup", Role.SUPERVISOR)


@pytest.fixture
def store(database: Database) -> Iterator[Database]:
    import_people(database)
    yield database


def _open(session: Session, who: object = ANA, **changes: str) -> str:
    values = {"title": "Escort ads", "type_": "sex_trafficking", "opened_on": "2021-02-15"}
    values |= changes
    return service.open_case(session, who, **values).number  # type: ignore[arg-type]


def test_numbers_follow_office_and_fiscal_year_and_hsi_is_the_default(store: Database) -> None:
    with store.session() as session:
        first = _open(session)
        second = _open(session, opened_on="2021-09-30")
        next_year = _open(session, opened_on="2021-10-01")
        fbi = _open(session, office="FBI Houston")
        row = service.get_case(session, first)
        assert (row.office, row.fiscal_year, row.lead) == ("HSI", 2021, "ana")
        fy2021 = PageQuery(filters=(("fy", "2021"), ("case_type", "sex_trafficking")))
        listed = views.case_listing(SUP).page(session, fy2021)
        searched = views.case_listing(SUP).page(session, PageQuery(search="fbi houston"))
    assert (first, second, next_year) == ("HSI-2021-00001", "HSI-2021-00002", "HSI-2022-00001")
    assert fbi == "FBI-2021-00001"
    assert [c.number for c in listed.rows] == [second, first, fbi]
    assert [c.number for c in searched.rows] == [fbi]


def test_bad_values_are_refused_before_anything_is_written(store: Database) -> None:
    with store.session() as session:
        with pytest.raises(InvalidCase, match="one of sex_trafficking"):
            _open(session, type_="smuggling")
        with pytest.raises(InvalidCase, match="future"):
            _open(session, opened_on="2999-01-01")
        with pytest.raises(InvalidCase, match="no user"):
            _open(session, lead="nobody-here")
        with pytest.raises(NotFound):
            service.get_case(session, "HSI-2021-99999")
        assert views.case_listing(SUP).page(session, PageQuery()).total == 0


def test_status_is_folded_from_the_ledger_and_history_is_kept(store: Database) -> None:
    with store.session() as session:
        number = _open(session)
        service.refer(session, ANA, number, "FBI", "federal nexus", "2021-03-01")
        with pytest.raises(CaseConflict, match="referred, not open"):
            service.refer(session, ANA, number, "DEA", "elsewhere", "2021-03-02")
        retried = service.refer(session, ANA, number, "FBI", "sent twice", "2021-03-01")
        service.reopen(session, ANA, number, "FBI declined", "2021-04-01")
        closed = service.close(session, ANA, number, "prosecution accepted", on="2021-09-01")
        assert service.close(session, ANA, number, "prosecution accepted") == closed
        with pytest.raises(CaseConflict, match="already closed"):
            service.close(session, ANA, number, "again", on="2021-09-02")
        with pytest.raises(CaseConflict, match="before the case was opened"):
            service.reopen(session, ANA, number, "typo", "2020-01-01")
        kinds = [e.kind for e in ledger.events(session, service.stream(number))]
        listed = views.case_listing(ANA).page(session, PageQuery(filters=(("status", "closed"),)))
    assert (closed.status, closed.closed_on, closed.disposition) == (
        Status.CLOSED,
        "2021-09-01",
        "prosecution accepted",
    )
    assert kinds == ["opened", "referred", "reopened", "closed"]
    assert (retried.status, retried.referred_to) == (Status.REFERRED, "FBI")
    assert [c.number for c in listed.rows] == [number]


def test_need_to_know_team_and_oversight_read_in_full_others_see_number_office_lead(
    store: Database,
) -> None:
    with store.session() as session:
        number = _open(session)
        other = views.read_case(session, BO, number)
        full = views.read_case(session, SUP, number)
        with pytest.raises(NeedToKnow):
            subjects.add_subject(session, BO, number, "phone", SHARED_PHONE)
        bo_list = views.case_listing(BO).page(session, PageQuery()).total
        reads = session.execute(
            select(AuditEvent.actor, AuditEvent.detail).where(AuditEvent.action == "cases.read")
        ).all()
    assert isinstance(other, views.CaseGlimpse)
    assert (other.number, other.office, other.lead) == (number, "HSI", "ana")
    assert isinstance(full, views.CaseView) and full.title == "Escort ads"
    assert bo_list == 0
    assert [(actor, "deconfliction" in d) for actor, d in reads] == [("bo", True), ("sup", False)]


def test_a_shared_phone_deconflicts_two_cases_and_reveals_only_number_office_lead(
    store: Database,
) -> None:
    with store.session() as session:
        mine = _open(session, office="HSI Houston", title="Massage parlours")
        theirs = _open(session, BO, office="HSI San Antonio", title="Secret title")
        subjects.add_subject(session, ANA, mine, "entity", "case-test-olena", "trafficker")
        _, found = subjects.add_subject(session, BO, theirs, "phone", "(713) 555-0142", "in ads")
        mine_notices = subjects.notices(session, mine)
        tiles = [subjects.count_cases_with_notices(session, who) for who in ("ana", "bo")]
        events = [e.kind for e in service.events(session, mine)]
        told = [(e.actor, e.detail) for e in service.events(session, mine) if e.kind == KIND]
        unrelated = _open(session, title="Other")
        subjects.add_subject(session, ANA, unrelated, "entity", "case-test-maria")
        quiet = subjects.notices(session, unrelated)
    assert [(n.other_case, n.office, n.lead) for n in found] == [(mine, "HSI Houston", "ana")]
    assert [(n.other_case, n.office, n.lead) for n in mine_notices] == [
        (theirs, "HSI San Antonio", "bo")
    ]
    assert "phone +17135550142" in mine_notices[0].shared
    explained = mine_notices[0].explained()
    sentences = [f.sentence for f in explained.features]
    assert "Your subject Olena Petrova (Person) carries phone +17135550142, which case " in (
        " ".join(sentences)
    )
    assert "in ads" not in repr(explained) and "bo" in explained.outcome
    assert "Secret title" not in repr(mine_notices)
    assert tiles == [1, 1] and events[-1] == "deconfliction" and quiet == []
    ((actor, detail),) = told
    assert actor == "ctip" and (detail["other_case"], detail["lead"]) == (theirs, "bo")


def test_a_person_holding_the_phone_of_another_case_deconflicts(store: Database) -> None:
    with store.session() as session:
        first = _open(session)
        second = _open(session, BO)
        subjects.add_subject(session, ANA, first, "entity", "case-test-olena")
        added, found = subjects.add_subject(session, BO, second, "entity", "case-test-ivan")
        again, found_again = subjects.add_subject(session, BO, second, "entity", "case-test-ivan")
        added_events = [e for e in service.events(session, second) if e.kind == "subject_added"]
        with pytest.raises(InvalidCase, match="no entity"):
            subjects.add_subject(session, BO, second, "entity", "no-such-entity")
        with pytest.raises(InvalidCase, match="cannot be read"):
            subjects.add_subject(session, BO, second, "email", "not an address")
    assert [n.other_case for n in found] == [first] and found_again == found
    assert again == added and len(added_events) == 1


def test_arrest_charges_and_outcomes_in_order(store: Database) -> None:
    with store.session() as session:
        number = _open(session)
        with pytest.raises(InvalidCase, match="not a subject"):
            arrests.record_arrest(session, ANA, number, "case-test-olena", "2021-05-01")
        subjects.add_subject(session, ANA, number, "entity", "case-test-olena")
        made = arrests.record_arrest(
            session,
            ANA,
            number,
            "case-test-olena",
            "2021-05-01",
            statutes=("18 U.S.C. § 1591(a)", "Tex. Penal Code § 20A.02"),
        )
        with pytest.raises(InvalidInput, match="not in chapter 77"):
            arrests.add_charge(session, ANA, made.id, "18 USC 1501")
        charge = made.charges[0].id
        arrests.record_outcome(session, ANA, charge, "indicted", "2021-06-01")
        with pytest.raises(CaseConflict, match="before the arrest"):
            arrests.record_outcome(session, ANA, charge, "convicted", "2021-04-01")
        done = arrests.record_outcome(session, ANA, charge, "convicted", "2021-11-15")
        assert arrests.record_outcome(session, ANA, charge, "convicted", "2021-11-15") == done
        with pytest.raises(CaseConflict, match="already convicted"):
            arrests.record_outcome(session, ANA, charge, "dismissed", "2021-12-01")
    assert made.id == f"{number}-A001"
    assert [(c.statute, c.federal) for c in made.charges] == [
        ("18 U.S.C. § 1591(a)", True),
        ("Tex. Penal Code § 20A.02", False),
    ]
    assert done.charges[0].outcomes == (("indicted", "2021-06-01"), ("convicted", "2021-11-15"))


def test_evidence_links_keep_kind_record_who_and_why(store: Database) -> None:
    with store.session() as session:
        number = _open(session)
        evidence.link(session, ANA, number, "ad_network", "net-0042", "ads share the phone")
        evidence.link(session, ANA, number, "entity", "case-test-company", "employer")
        retried = evidence.link(session, ANA, number, "ad_network", "net-0042", "sent twice")
        with pytest.raises(InvalidCase, match="no entity"):
            evidence.link(session, ANA, number, "entity", "nobody", "why")
        with pytest.raises(InvalidCase, match="one of"):
            evidence.link(session, ANA, number, "rumour", "x", "why")
        linked = evidence.links(session, number)
    assert [(e.kind, e.record_id, e.added_by, e.why) for e in linked] == [
        ("ad_network", "net-0042", "ana", "ads share the phone"),
        ("entity", "case-test-company", "ana", "employer"),
    ]
    assert [e.path for e in linked] == ["/networks/net-0042", "/entities/case-test-company"]
    assert retried == linked[0]


def test_one_more_fy2021_case_moves_hsi_cases_initiated_by_one(store: Database) -> None:
    with store.session() as session:
        before = {m.id: m.compute(session, 2021) for m in metrics.METRICS}
        number = _open(session, office="")
        _open(session, office="FBI Houston")
        _open(session, opened_on="2020-09-30")
        after = {m.id: m.compute(session, 2021) for m in metrics.METRICS}
        subjects.add_subject(session, ANA, number, "entity", "case-test-olena")
        made = arrests.record_arrest(
            session, ANA, number, "case-test-olena", "2021-05-01", statutes=("1591",)
        )
        arrests.record_outcome(session, ANA, made.charges[0].id, "indicted", "2021-06-01")
        worked = {m.id: m.compute(session, 2021) for m in metrics.METRICS}
        by_type = metrics.cases_by_type(session, 2021)
    assert after["hsi_cases_initiated"] == before["hsi_cases_initiated"] + 1
    assert (worked["hsi_arrests"], worked["hsi_indictments"]) == (1, 1)
    assert worked["hsi_convictions"] == 0 and by_type == {"sex_trafficking": 1}


def _resolved_together(session: Session, cluster: str, *entity_ids: str) -> None:
    """Entity resolution's verdict, written as the resolver stores it: one cluster."""
    stamp = "2021-01-01T00:00:00.000000Z"
    session.add(ResolveCluster(cluster_id=cluster, seq=1, created_at=stamp, run_id=None))
    for entity_id in entity_ids:
        session.add(
            ResolveRecordRow(
                record_id=entity_id,
                source="case-test",
                cluster_id=cluster,
                data="{}",
                added_at=stamp,
                run_id=0,
            )
        )
    session.flush()


def test_people_resolved_into_one_cluster_deconflict_and_a_cluster_can_be_a_subject(
    store: Database,
) -> None:
    with store.session() as session:
        _resolved_together(session, "c-olena-maria", "case-test-olena", "case-test-maria")
        first = _open(session)
        second = _open(session, BO)
        third = _open(session, person("cy"))
        subjects.add_subject(session, ANA, first, "entity", "case-test-olena")
        _, by_person = subjects.add_subject(session, BO, second, "entity", "case-test-maria")
        added, by_cluster = subjects.add_subject(
            session, person("cy"), third, "cluster", "case-test-maria"
        )
        with pytest.raises(InvalidCase, match="no resolved record or cluster"):
            subjects.add_subject(session, ANA, first, "cluster", "c-unknown")
    assert [n.other_case for n in by_person] == [first]
    assert "cluster c-olena-maria" in by_person[0].shared
    assert (added.key, added.label) == ("c-olena-maria", "cluster c-olena-maria (2 records)")
    assert [n.other_case for n in by_cluster] == [first, second]


def test_a_later_resolution_run_is_caught_by_the_refresh_and_both_leads_are_told(
    store: Database,
) -> None:
    with store.session() as session:
        first = _open(session)
        second = _open(session, BO)
        subjects.add_subject(session, ANA, first, "entity", "case-test-olena")
        _, found = subjects.add_subject(session, BO, second, "entity", "case-test-maria")
        _resolved_together(session, "c-later", "case-test-olena", "case-test-maria")
        refreshed = subjects.refresh_keys(session, "cli:test")
        again = subjects.refresh_keys(session, "cli:test")
        told = [
            [
                e.detail["other_case"]
                for e in service.events(session, n)
                if e.kind == "deconfliction"
            ]
            for n in (first, second)
        ]
    assert found == []
    assert (refreshed.new_keys, len(refreshed.new_pairs)) == (2, 1)
    assert sorted(refreshed.new_pairs[0]) == [first, second]
    assert (again.new_keys, again.new_pairs) == (0, [])
    assert told == [[second], [first]]
