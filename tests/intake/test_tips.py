"""Tips as a service: validation, the acknowledgement code, decisions in the ledger, the
queues in SQL, duplicates and store matches explained, allegations against the lists, and
the fiscal-year figures computed from the records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.intake import allegations, queues, tips, triage
from ctip.intake.tables import TipRow
from ctip.intake.tips import Decision, TipInput, submit_tip
from ctip.lists import governance
from ctip.lists.store import load_watchlist
from ctip.model.clock import FixedClock
from ctip.model.errors import InvalidInput, NotFound
from ctip.store import ledger
from ctip.store.db import Database
from ctip.store.entities import NOTHING_HIDDEN
from ctip.store.paging import PageQuery

STORE_PERSON = (
    b'{"id": "p-olena", "schema": "Person", "properties": {"name": ["Olena Petrova"], '
    b'"phone": ["+17135550199"], "email": ["olena.p@example.net"]}}\n'
)


def _tip(**changes: object) -> TipInput:
    values: dict[str, object] = {
        "reporter_location": "inside_us",
        "activity": "Sex Trafficking",
        "narrative": "Girls are driven to a motel off I-45 at night; a man keeps their phones.",
    }
    values.update(changes)
    return TipInput(**values)  # type: ignore[arg-type]


def test_a_tip_is_kept_with_a_code_the_reporter_can_add_to_it_with(database: Database) -> None:
    with database.session() as session:
        receipt = submit_tip(session, _tip(phones=("(713) 555-0199",)), "api")
    assert len(receipt.acknowledgement.replace("-", "")) == 16
    with database.session() as session:
        row = session.get(TipRow, receipt.tip_id)
        assert row is not None and receipt.acknowledgement not in (row.ack_sha256 or "")
        assert row.activity == "sex trafficking"
        added = tips.add_to_tip(
            session, receipt.acknowledgement.lower().replace("-", " "), "He drives a white van."
        )
        assert added == receipt.tip_id
        with pytest.raises(NotFound):
            tips.add_to_tip(session, "AAAA-BBBB-CCCC-DDDD", "anything")
    with database.session() as session:
        tip = tips.get_tip(session, receipt.tip_id)
    assert [a.narrative for a in tip.additions] == ["He drives a white van."]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reporter_location": "moon"}, "reporter_location"),
        ({"activity": "smuggling"}, "activity"),
        ({"narrative": "   "}, "narrative"),
        ({"narrative": "x" * 10_001}, "narrative"),
        ({"phones": tuple(str(n) for n in range(21))}, "phones"),
        ({"country": "zz"}, "country"),
        ({"country": "Atlantis"}, "country"),
        ({"ilo_indicators": ("12",)}, "ilo_indicators"),
    ],
)
def test_a_bad_tip_names_every_wrong_field(
    sqlite_database: Database, changes: dict[str, object], field: str
) -> None:
    with sqlite_database.session() as session, pytest.raises(InvalidInput) as refused:
        submit_tip(session, _tip(**changes), "web")
    assert field in {d["field"] for d in refused.value.details}


def test_decisions_go_to_the_ledger_and_the_queue_reads_them_in_sql(database: Database) -> None:
    with database.session() as session:
        first = submit_tip(session, _tip(), "web").tip_id
        second = submit_tip(session, _tip(activity="labor trafficking"), "web").tip_id
        flagged = submit_tip(
            session, _tip(activity="forced labor in goods", company="Acme"), "web"
        ).tip_id
        tips.decide(session, first, "ana", Decision("referred", "local matter", referred_to="HPD"))
        tips.decide(session, first, "ana", Decision("accepted", "linked", case_id="HSI-2026-7"))
        with pytest.raises(InvalidInput) as refused:
            tips.decide(session, second, "ana", Decision("accepted", "no case given"))
        assert {d["field"] for d in refused.value.details} == {"case_id"}
    with database.session() as session:
        events = ledger.events(session, ledger.Stream(tips.STREAM_KIND, first))
        assert [(e.kind, e.payload) for e in events] == [
            ("referred", {"referred_to": "HPD"}),
            ("accepted", {"case_id": "HSI-2026-7"}),
        ]
        new_only = PageQuery(filters=(("status", "new"),))
        waiting = queues.tip_listing(queues.TIPS).page(session, new_only)
        accepted = queues.tip_listing(queues.TIPS).page(
            session, PageQuery(filters=(("status", "accepted"),))
        )
        assert [t.id for t in waiting.rows] == [second]
        assert [t.id for t in accepted.rows] == [first]
        assert [
            t.id for t in queues.tip_listing(queues.ALLEGATIONS).page(session, PageQuery()).rows
        ] == [flagged]
        assert queues.tips_to_triage(session, "ana") == 1
        assert queues.allegations_to_review(session, "ana") == 1


def test_duplicates_and_store_matches_are_explained(database: Database) -> None:
    with database.session() as session:
        import_ftm_bytes(session, STORE_PERSON, "store.ijson", "test", "setup")
    with database.session() as session:
        earlier = submit_tip(session, _tip(phones=("+1 713 555 0199",)), "web").tip_id
        story = "Workers on a farm in Yuma sleep in a barn and owe the crew boss for the trip."
        told = submit_tip(
            session, _tip(activity="labor trafficking", narrative=story), "web"
        ).tip_id
        later = submit_tip(
            session,
            _tip(
                phones=("(713) 555-0199",),
                emails=("Olena.P@example.net",),
                persons=("Petrova Olena",),
            ),
            "api",
        ).tip_id
        retold = submit_tip(
            session,
            _tip(
                activity="labor trafficking",
                narrative="In Yuma farm workers sleep in a barn, owe the crew boss for the trip!",
            ),
            "web",
        ).tip_id
    with database.session() as session:
        links = triage.tip_links(session, tips.get_tip(session, later), NOTHING_HIDDEN)
        story_links = triage.tip_links(session, tips.get_tip(session, retold), NOTHING_HIDDEN)
        alone = triage.tip_links(
            session,
            tips.get_tip(session, submit_tip(session, _tip(activity="other"), "web").tip_id),
            NOTHING_HIDDEN,
        )
    names = [f.name for f in links.explanation.features]
    assert links.explanation.outcome == triage.DUPLICATE and links.duplicates == (earlier,)
    assert {"same_phone", "store_phone", "store_email", "store_name"} <= set(names)
    assert links.entities == ("p-olena",)
    assert any(
        r.url == "/entities/p-olena" for f in links.explanation.features for r in f.references
    )
    assert (
        story_links.duplicates == (told,)
        and story_links.explanation.features[0].name == "same_story"
    )
    assert alone.explanation.outcome == triage.NO_LINKS and not alone.explanation.features


def test_an_allegation_is_matched_against_the_official_lists_in_effect(database: Database) -> None:
    listed = (
        "id,name,schema,country\n"
        "u-hoshine,Hoshine Silicon Industry (Shanshan) Co. Ltd.,Company,cn\n"
    )
    with database.session() as session:
        outcome = load_watchlist(session, listed.encode(), "uflpa.csv", "uflpa", "loader")
        governance.approve(session, "uflpa", outcome.edition, "supervisor", "checked")
        tip_id = submit_tip(
            session,
            _tip(
                activity="forced labor in goods",
                company="Hoshine Silicon Industry Shanshan Co Ltd",
                goods="polysilicon",
                country="CN",
                ilo_indicators=("7", "3"),
            ),
            "web",
        ).tip_id
        other = submit_tip(
            session, _tip(activity="forced labor in goods", company="Blue Meadow Dairy"), "web"
        ).tip_id
    with database.session() as session:
        review = allegations.review(session, tips.get_tip(session, tip_id), NOTHING_HIDDEN)
        clean = allegations.review(session, tips.get_tip(session, other), NOTHING_HIDDEN)
    assert review.explanation.outcome == allegations.LISTED
    feature = review.explanation.features[0]
    assert feature.name == "listed_uflpa" and feature.supports
    assert [e.list_name for e in review.editions] == ["uflpa"]
    assert review.indicators == (
        ("3", "Restriction of movement"),
        ("7", "Retention of identity documents"),
    )
    assert clean.explanation.outcome == allegations.NOT_LISTED


def test_fiscal_year_figures_move_with_the_records(database: Database) -> None:
    in_fy2021 = FixedClock.on(date(2021, 3, 1))
    with database.session() as session:
        before = queues.tips_received(session, 2021)
        submit_tip(session, _tip(), "web", clock=in_fy2021)
        submit_tip(session, _tip(), "web", clock=FixedClock.on(date(2021, 10, 1)))
        assert queues.tips_received(session, 2021) == before + 1
        assert queues.tips_by_activity(session, 2021) == {"sex trafficking": before + 1}
        alleged = queues.allegations_received(session, 2021)
        submit_tip(session, _tip(activity="forced labor in goods"), "api", clock=in_fy2021)
        assert queues.allegations_received(session, 2021) == alleged + 1
        assert queues.tips_received(session, 2021) == before + 1
        behind = queues.tip_listing(queues.TIPS, 2021).page(session, PageQuery())
        assert behind.total == queues.tips_received(session, 2021)
        count = session.execute(select(TipRow.id)).all()
    assert len(count) == 3
