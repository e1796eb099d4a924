"""The protection demo: the source document's FY2021 figures computed from generated records,
smaller FY2020 ones, live clocks for the demo specialist, idempotent, no name in the file."""

from __future__ import annotations

import time

from sqlalchemy import select

from ctip.authz import users
from ctip.demo.world import demo_username
from ctip.model.roles import Role
from ctip.protection import demo, metrics, queue
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from tests.conftest import TEST_PASSWORD


def _figures(db: Database, fy: int) -> dict[str, int | float]:
    with db.session() as session:
        return {m.id: m.compute(session, fy) for m in metrics.METRICS}


def test_the_demo_holds_the_source_documents_figures(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        users.add_user(session, "t", demo.SPECIALIST, TEST_PASSWORD, Role.VICTIM_SPECIALIST.value)
    started = time.perf_counter()
    with sqlite_database.session() as session:
        said = demo.seed_demo(session)
    assert time.perf_counter() - started < 10 and "victims" in said
    fy2021, fy2020 = _figures(sqlite_database, 2021), _figures(sqlite_database, 2020)
    assert fy2021["victims_identified_assisted"] == 728
    assert fy2021["t_visas_approved_victims"] == 559
    assert fy2021["t_visas_approved_family"] == 451
    assert 0 < fy2020["victims_identified_assisted"] < 728
    assert 0 < fy2020["t_visas_approved_victims"] < 559
    assert fy2021["continued_presence_requested"] > fy2020["continued_presence_requested"]
    assert fy2021["continued_presence_granted"] > 0 and fy2021["u_visas_bfd"] > 0
    with sqlite_database.session() as session:
        mine = queue.deadlines(session, demo_username(Role.VICTIM_SPECIALIST))
        assert mine and any(d.overdue for d in mine) and any(not d.overdue for d in mine)
        assert demo.seed_demo(session) == "demo victims already present"
        actions = list(session.scalars(select(AuditEvent.action)))
    assert actions.count("protection.demo_seeded") == 1


def test_the_demo_is_the_same_every_time() -> None:
    from datetime import date

    one, two = demo.build(date(2026, 1, 5)), demo.build(date(2026, 1, 5))
    assert [v["pseudonym"] for v in one.victims] == [v["pseudonym"] for v in two.victims]
    assert one.events == two.events
