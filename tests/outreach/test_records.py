"""Outreach records: a presentation moves the Blue Campaign figures by one, fields are checked,
and every write is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ctip.model.errors import InvalidInput
from ctip.outreach import metrics, records
from ctip.outreach.records import BLUE_CAMPAIGN, NewActivity, NewPartner
from ctip.store.db import Database
from ctip.store.tables import AuditEvent


def _figures(database: Database, fiscal_year: int) -> dict[str, int]:
    with database.session() as session:
        return {m.id: int(m.compute(session, fiscal_year)) for m in metrics.METRICS}


def test_a_presentation_without_a_component_counts_as_the_blue_campaigns(
    database: Database,
) -> None:
    before = _figures(database, 2021)
    with database.session() as session:
        talk = NewActivity.checked("presentation", "Indicators", "2021-03-04", 37)
        stored = records.add_activity(session, talk, "olivia")
    after = _figures(database, 2021)
    assert stored.component == BLUE_CAMPAIGN
    assert after["blue_campaign_presentations"] == before["blue_campaign_presentations"] + 1
    assert after["blue_campaign_attendees"] == before["blue_campaign_attendees"] + 37
    assert after["fletc_officers_trained"] == before["fletc_officers_trained"]
    assert _figures(database, 2020)["blue_campaign_presentations"] == 0


def test_trainings_and_partners_count_in_their_fiscal_year(database: Database) -> None:
    with database.session() as session:
        course = NewActivity.checked("training", "HT awareness", "2020-10-01", 120, "fletc")
        records.add_activity(session, course, "olivia")
        late = NewActivity.checked("training", "HT awareness", "2020-09-30", 50, "FLETC")
        records.add_activity(session, late, "olivia")
        records.add_partner(session, NewPartner.checked("Cascade Air", "2021-09-30"), "olivia")
        other = NewPartner.checked("Road Co", "2021-01-05", "Truckers Against Trafficking")
        records.add_partner(session, other, "olivia")
    fy2021, fy2020 = _figures(database, 2021), _figures(database, 2020)
    assert fy2021["fletc_officers_trained"] == 120 and fy2020["fletc_officers_trained"] == 50
    assert fy2021["blue_lightning_new_partners"] == 1


def test_a_planned_presentation_is_on_the_calendar_but_not_in_the_figures(
    sqlite_database: Database,
) -> None:
    today = date.today()
    soon = date.fromordinal(today.toordinal() + 10)
    with sqlite_database.session() as session:
        records.add_activity(
            session, NewActivity.checked("presentation", "Planned", soon, 0), "olivia"
        )
        assert records.upcoming(session, today) == 1
    year = soon.year + 1 if soon.month >= 10 else soon.year
    assert _figures(sqlite_database, year)["blue_campaign_presentations"] == 0


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"kind": "webinar"}, "kind"),
        ({"held_on": "04/03/2021"}, "date"),
        ({"attendees": "-3"}, "attendees"),
        ({"attendees": "many"}, "attendees"),
        ({"title": "  "}, "title"),
        ({"component": "NASA"}, "component"),
        ({"kind": "training", "component": ""}, "component"),
    ],
)
def test_a_bad_field_is_refused_with_its_name(fields: dict[str, str], named: str) -> None:
    values = {"kind": "presentation", "title": "T", "held_on": "2021-03-04", "attendees": "5"}
    values |= fields
    with pytest.raises(InvalidInput, match=named):
        NewActivity.checked(
            values["kind"],
            values["title"],
            values["held_on"],
            values["attendees"],
            values.get("component", ""),
        )


def test_each_write_is_audited(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        talk = records.add_activity(
            session, NewActivity.checked("presentation", "T", "2021-03-04", 5), "olivia"
        )
        records.add_partner(session, NewPartner.checked("Cascade Air", "2021-03-04"), "olivia")
        records.add_material(session, "Indicator cards", "2021-03-04", 500, "olivia")
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor == "olivia")
        ).all()
    assert talk.id > 0
    assert set(actions) == {
        "outreach.presentation.add",
        "outreach.partner.add",
        "outreach.material.add",
    }
