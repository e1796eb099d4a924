"""Relief as ledger streams: Continued Presence, T and U steps, their clocks from the cited
rules, the queue per specialist (overdue first), and the fiscal-year figures moving by one."""

from __future__ import annotations

from datetime import date

import pytest

from ctip.model.clock import FixedClock
from ctip.model.errors import Conflict, InvalidInput
from ctip.protection import metrics, queue, relief
from ctip.store import ledger
from ctip.store.db import Database
from ctip.store.ledger import Stream
from tests.protection.conftest import CLOCK, add_marker_victim


def _due(state: relief.ReliefState) -> dict[str, str]:
    return {d.rule.id: d.due.isoformat() for d in state.due}


def test_continued_presence_runs_two_years_and_a_renewal_restarts_it(
    protection_db: Database,
) -> None:
    victim = add_marker_victim(protection_db)
    with protection_db.session() as session:
        cp = relief.request(
            session,
            "ivan",
            victim,
            "continued-presence",
            "2024-06-03",
            agency="HSI Houston",
            officer="SA Ortiz",
            case="HSI-2024-00007",
            clock=CLOCK,
        )
        state = relief.decide(session, "ccht", cp, True, "2024-06-20", clock=CLOCK)
    assert state.status == "granted"
    assert _due(state) == {
        "continued_presence_renewal_window": "2026-03-20",
        "continued_presence_expiry": "2026-06-20",
    }
    assert [d.overdue for d in state.due] == [True, False]
    with protection_db.session() as session:
        relief.record(session, "ivan", cp, "renewal_requested", "2026-04-01", clock=CLOCK)
        renewed = relief.decide(session, "ccht", cp, True, "2026-05-15", clock=CLOCK)
    assert renewed.status == "renewed"
    assert _due(renewed) == {
        "continued_presence_renewal_window": "2028-02-15",
        "continued_presence_expiry": "2028-05-15",
    }
    with protection_db.session() as session, pytest.raises(Conflict):
        relief.decide(session, "ccht", cp, True, "2026-05-20", clock=CLOCK)


def test_u_supplement_b_must_be_filed_within_six_months(protection_db: Database) -> None:
    victim = add_marker_victim(protection_db)
    with protection_db.session() as session:
        u = relief.request(session, "maria", victim, "u-visa", "2025-10-01", clock=CLOCK)
        signed = relief.record(
            session,
            "maria",
            u,
            "supp_b_signed",
            "2025-11-03",
            detail={"by": "SAC Ortiz"},
            clock=CLOCK,
        )
    assert _due(signed) == {"u_supplement_b_validity": "2026-05-03"}
    assert signed.due[0].overdue and signed.supp_b == "signed"
    with protection_db.session() as session:
        filed = relief.record(
            session,
            "maria",
            u,
            "filed",
            "2026-04-30",
            detail={"receipt": "eac2690012345"},
            clock=CLOCK,
        )
        bfd = relief.record(session, "maria", u, "bfd", "2026-05-20", clock=CLOCK)
    assert filed.receipt == "EAC2690012345" and _due(filed) == {}
    assert bfd.status == "bona fide" and _due(bfd) == {"u_bfd_ead_expiry": "2030-05-20"}


def test_t_visa_with_family_members_and_status_clocks(protection_db: Database) -> None:
    victim = add_marker_victim(protection_db)
    with protection_db.session() as session:
        t = relief.request(session, "maria", victim, "t-visa", "2021-01-04", clock=CLOCK)
        relief.record(
            session,
            "maria",
            t,
            "filed",
            "2021-02-01",
            detail={"receipt": "VSC2190012345"},
            clock=CLOCK,
        )
        relief.record(
            session,
            "maria",
            t,
            "supp_b_requested",
            "2021-01-10",
            detail={"by": "SA Ortiz"},
            clock=CLOCK,
        )
        relief.record(
            session,
            "maria",
            t,
            "supp_b_declined",
            "2021-01-25",
            detail={"by": "SA Ortiz"},
            clock=CLOCK,
        )
        relief.record(
            session,
            "maria",
            t,
            "family_added",
            "2021-02-01",
            detail={"relationship": "child"},
            clock=CLOCK,
        )
        relief.record(
            session,
            "maria",
            t,
            "family_added",
            "2021-02-01",
            detail={"relationship": "spouse"},
            clock=CLOCK,
        )
        relief.decide(session, "uscis", t, True, "2021-09-01", clock=CLOCK)
        state = relief.record(
            session,
            "maria",
            t,
            "family_decided",
            "2021-09-15",
            detail={"member": "2", "outcome": "approved"},
            clock=CLOCK,
        )
    assert state.status == "approved" and state.supp_b == "declined"
    assert [(f.relationship, f.status) for f in state.family.values()] == [
        ("child", "pending"),
        ("spouse", "approved"),
    ]
    assert _due(state) == {"t_adjustment_eligible": "2024-09-01", "t_status_end": "2025-09-01"}
    with protection_db.session() as session:
        done = relief.record(session, "maria", t, "adjustment_filed", "2024-10-01", clock=CLOCK)
    assert _due(done) == {}
    with protection_db.session() as session, pytest.raises(InvalidInput):
        relief.record(session, "maria", t, "waiting_list", "2024-10-01", clock=CLOCK)
    with protection_db.session() as session, pytest.raises(InvalidInput, match="relationship"):
        relief.record(
            session,
            "maria",
            t,
            "family_added",
            "2024-10-01",
            detail={"relationship": "cousin"},
            clock=CLOCK,
        )


def test_steps_are_ledger_events_and_bad_dates_are_refused(protection_db: Database) -> None:
    victim = add_marker_victim(protection_db)
    with protection_db.session() as session:
        cp = relief.request(
            session, "ivan", victim, "continued-presence", "2025-01-02", clock=CLOCK
        )
        with pytest.raises(InvalidInput, match="before"):
            relief.decide(session, "ccht", cp, True, "2024-12-01", clock=CLOCK)
        with pytest.raises(InvalidInput, match="future"):
            relief.decide(session, "ccht", cp, True, "2027-01-01", clock=CLOCK)
        with pytest.raises(InvalidInput, match="kind"):
            relief.request(session, "ivan", victim, "asylum", "2025-01-02", clock=CLOCK)
    with protection_db.session() as session:
        kinds = [e.kind for e in ledger.events(session, Stream(relief.STREAM_KIND, cp))]
    assert kinds == ["requested"]


def test_the_queue_holds_one_specialists_victims_overdue_first(protection_db: Database) -> None:
    mine = add_marker_victim(protection_db, "maria")
    theirs = add_marker_victim(protection_db, "tom")
    with protection_db.session() as session:
        for victim, granted in ((mine, "2024-07-01"), (theirs, "2024-06-10")):
            cp = relief.request(
                session, "ivan", victim, "continued-presence", "2024-06-01", clock=CLOCK
            )
            relief.decide(session, "ccht", cp, True, granted, clock=CLOCK)
        u = relief.request(session, "maria", mine, "u-visa", "2026-01-01", clock=CLOCK)
        relief.record(session, "maria", u, "supp_b_signed", "2026-01-15", clock=CLOCK)
    with protection_db.session() as session:
        maria = queue.deadlines(session, "maria", CLOCK)
        everyone = queue.deadlines(session, None, CLOCK)
        soon = queue.due_soon(session, "maria", 30, CLOCK)
    assert {d.victim for d in maria} == {mine}
    assert [d.deadline for d in maria] == [
        "continued_presence_renewal_window",
        "continued_presence_expiry",
        "u_supplement_b_validity",
    ]
    assert [d.overdue for d in maria] == [True, False, False]
    assert soon == 2  # the overdue renewal window and the expiry on 2026-07-01
    assert len(everyone) == 5 and [d.due for d in everyone] == sorted(d.due for d in everyone)
    assert all(
        set(d.as_json()) >= {"victim", "relief", "kind", "deadline", "due"} for d in everyone
    )


def test_one_more_t_approval_in_fy2021_moves_the_figure_by_one(protection_db: Database) -> None:
    victim = add_marker_victim(protection_db)
    figure = next(m for m in metrics.METRICS if m.id == "t_visas_approved_victims")
    family = next(m for m in metrics.METRICS if m.id == "t_visas_approved_family")
    with protection_db.session() as session:
        before = (figure.compute(session, 2021), family.compute(session, 2021))
        t = relief.request(session, "maria", victim, "t-visa", "2020-05-01", clock=CLOCK)
        relief.record(
            session,
            "maria",
            t,
            "family_added",
            "2020-06-01",
            detail={"relationship": "child"},
            clock=CLOCK,
        )
        relief.decide(session, "uscis", t, True, "2021-09-30", clock=CLOCK)
        relief.record(
            session,
            "maria",
            t,
            "family_decided",
            "2021-10-01",
            detail={"member": "1", "outcome": "approved"},
            clock=CLOCK,
        )
    with protection_db.session() as session:
        after = (figure.compute(session, 2021), family.compute(session, 2021))
        assert family.compute(session, 2022) == 1
    assert after == (before[0] + 1, before[1])


def test_victims_identified_count_in_their_fiscal_year(protection_db: Database) -> None:
    add_marker_victim(protection_db)
    figure = next(m for m in metrics.METRICS if m.id == "victims_identified_assisted")
    with protection_db.session() as session:
        assert (figure.compute(session, 2021), figure.compute(session, 2020)) == (1, 0)
        assert figure.breakdown is not None
        assert figure.breakdown(session, 2021) == {"ForcedLabour": 1}


def test_the_rules_file_is_valid_and_cited() -> None:
    rules = relief.rules()
    assert {r.id for r in rules} >= {
        "continued_presence_expiry",
        "u_supplement_b_validity",
        "t_status_end",
        "u_status_end",
    }
    assert all("U.S.C." in r.citation or "CFR" in r.citation for r in rules)
    assert date(2021, 1, 31) < relief.rules_for(relief.Kind.U_VISA)[0].due(date(2021, 1, 31))


def test_a_fixed_clock_marks_overdue(protection_db: Database) -> None:
    victim = add_marker_victim(protection_db)
    with protection_db.session() as session:
        u = relief.request(session, "maria", victim, "u-visa", "2026-01-01", clock=CLOCK)
        relief.record(session, "maria", u, "supp_b_signed", "2026-01-15", clock=CLOCK)
        later = FixedClock.on(date(2026, 7, 16))
        assert relief.state(session, u, later).due[0].overdue
        assert not relief.state(session, u, CLOCK).due[0].overdue


def test_pending_continued_presence_and_deadline_windows(protection_db: Database) -> None:
    victim = add_marker_victim(protection_db)
    with protection_db.session() as session:
        waiting = relief.request(
            session,
            "ivan",
            victim,
            "continued-presence",
            "2026-04-01",
            agency="HSI Houston",
            clock=CLOCK,
        )
        granted = relief.request(
            session, "ivan", victim, "continued-presence", "2024-07-01", clock=CLOCK
        )
        relief.decide(session, "ccht", granted, True, "2024-07-15", clock=CLOCK)
    with protection_db.session() as session:
        pending = queue.pending_continued_presence(session, "maria", CLOCK)
        found = queue.deadlines(session, "maria", CLOCK)
    assert [(p.relief, p.waiting_days, p.agency) for p in pending] == [(waiting, 61, "HSI Houston")]
    assert [d.deadline for d in queue.within(found, 30)] == ["continued_presence_renewal_window"]
    assert len(queue.within(found, 60)) == 2 and queue.within(found, None) == found
