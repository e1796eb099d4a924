"""The intake demo step: plausible records in its time budget, idempotent, the figures and
home tiles computed from them, and the area declared in the registry."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import func, select

from ctip.areas import AREAS
from ctip.intake import demo, queues
from ctip.intake.tables import ScreeningRow, TipRow
from ctip.model.clock import FixedClock
from ctip.store.db import Database


def test_the_demo_seeds_tips_screenings_and_decisions_once(sqlite_database: Database) -> None:
    started = time.perf_counter()
    with sqlite_database.session() as session:
        said = demo.seed_demo(session)
    assert time.perf_counter() - started < 5
    with sqlite_database.session() as session:
        assert demo.seed_demo(session) == "intake: already seeded"
        tips = session.execute(select(func.count()).select_from(TipRow)).scalar_one()
        days = session.execute(select(func.count(func.distinct(TipRow.received_on)))).scalar_one()
        screened = session.execute(select(func.count()).select_from(ScreeningRow)).scalar_one()
        assert tips > demo.PUBLIC_TIPS + demo.ALLEGATIONS and days > 100
        assert screened == demo.SCREENINGS
        assert queues.tips_received(session, 2021) > 100
        assert 0 < queues.referrals(session, 2021) < queues.screenings_recorded(session, 2021)
        assert queues.tips_to_triage(session, "x") > 0
        latest = session.execute(
            select(func.max(ScreeningRow.encountered_on)).where(
                ScreeningRow.officer == demo.OFFICER
            )
        ).scalar_one()
        on_latest = FixedClock.on(date.fromisoformat(latest))
        assert queues.recent_screenings(session, demo.OFFICER, on_latest) > 0
        assert queues.recent_screenings(session, "nobody", on_latest) == 0
    assert "public tips" in said


def test_the_area_declares_its_actions_pages_metrics_and_tiles() -> None:
    area = next(a for a in AREAS if a.name == "intake")
    assert {m.id for m in area.metrics} == {
        "intake_tips_received",
        "intake_allegations_received",
        "intake_screenings_recorded",
        "intake_referrals",
    }
    assert [t.label for t in area.home] == [
        "Tips to triage",
        "Your screenings in the last 30 days",
        "Allegations to review",
    ]
    assert area.table_names == {
        "intake_tips",
        "intake_tip_additions",
        "intake_tip_keys",
        "intake_screenings",
    }
