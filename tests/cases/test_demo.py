"""The cases demo holds the source document's HSI figures as records, spread as real years
are, with one deconfliction notice between rich cases; a second seed changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from ctip.cases import demo, metrics, service, subjects
from ctip.cases.tables import ArrestRow, CaseRow
from ctip.demo import world
from ctip.model.roles import Role
from ctip.store import ledger
from ctip.store.db import Database


def test_the_demo_reproduces_the_hsi_figures_from_plausible_records(
    sqlite_database: Database,
) -> None:
    with sqlite_database.session() as session:
        world.seed_users(session)
        world.seed_entities(session)
        demo.seed_demo(session)
    with sqlite_database.session() as session:
        again = demo.seed_demo(session)
        figures = {
            fy: {m.id: m.compute(session, fy) for m in metrics.METRICS} for fy in (2020, 2021)
        }
        offices = session.execute(select(func.count(func.distinct(CaseRow.office)))).scalar()
        months = session.execute(
            select(func.count(func.distinct(func.substr(CaseRow.opened_on, 1, 7)))).where(
                CaseRow.fiscal_year == 2021
            )
        ).scalar()
        arrest_days = session.execute(
            select(func.count(func.distinct(ArrestRow.arrested_on)))
        ).scalar()
        lead = world.demo_username(Role.INVESTIGATOR)
        notices = subjects.notices_for_lead(session, lead)
        by_type = metrics.cases_by_type(session, 2021)
        histories = [
            [service.CaseEvent.of(e) for e in stream]
            for stream in ledger.streams(session, service.STREAM_KIND).values()
        ]
    assert again == "demo cases already seeded"
    assert figures[2020]["hsi_cases_initiated"] == 947
    assert figures[2021]["hsi_cases_initiated"] == 1111
    assert (figures[2020]["hsi_arrests"], figures[2021]["hsi_arrests"]) == (1746, 2360)
    assert 0 < figures[2021]["hsi_convictions"] < figures[2021]["hsi_indictments"]
    assert offices is not None and offices >= 15
    assert months == 12 and arrest_days is not None and arrest_days > 500
    assert len(by_type) == 4 and by_type["sex_trafficking"] > by_type["forced_labour"]
    closed = [h for h in histories if service.fold_status(h).status is service.Status.CLOSED]
    assert len(closed) > 600
    assert all(h[-1].kind == "closed" and h[-1].on == max(e.on for e in h) for h in closed)
    assert all(h[0].kind == "opened" for h in histories)
    assert len(notices) == 1 and notices[0][1][0].lead == world.demo_username(Role.INTEL_ANALYST)
