"""Encounter screenings: scored and explained, a minor referred at once, no name without
consent, a retried draft never doubled, officers see only their own."""

from __future__ import annotations

from datetime import date

import pytest

from ctip.intake import screenings, tips
from ctip.intake.screenings import ScreeningInput, record_screening, score_answers
from ctip.model.clock import FixedClock
from ctip.model.errors import InvalidInput, NotFound
from ctip.store.db import Database

CLOCK = FixedClock.on(date(2026, 3, 2))


def _input(**changes: object) -> ScreeningInput:
    values: dict[str, object] = {
        "draft_id": "draft-0001",
        "place": "Terminal E",
        "port": "iah",
        "encountered_on": "2026-03-01",
        "answers": {"blue.coached": "yes", "blue.controlled": "yes", "blue.fearful": "no"},
    }
    values.update(changes)
    return ScreeningInput(**values)  # type: ignore[arg-type]


def test_answers_are_scored_with_a_feature_per_yes_and_its_source() -> None:
    explained = score_answers({"blue.coached": "yes", "ilo.7": "yes", "blue.fearful": "no"})
    assert explained.score == pytest.approx(0.45)
    assert explained.outcome == screenings.CONSIDER
    assert [f.name for f in explained.features] == ["blue.coached", "ilo.7"]
    ilo = explained.features[1]
    assert ilo.references[0].label == "Retention of identity documents"
    assert "ILO" in ilo.references[0].citation
    assert "consider referral threshold of 0.25" in explained.summary()


def test_a_minor_in_commercial_sex_refers_at_once_whatever_the_score(database: Database) -> None:
    explained = score_answers({"blue.minor_commercial_sex": "yes"})
    assert explained.outcome == screenings.REFER and explained.overriding()
    with database.session() as session:
        recorded = record_screening(
            session,
            "officer-a",
            _input(answers={"blue.minor_commercial_sex": "yes"}, referral="none"),
            CLOCK,
        )
        assert recorded.referral == "tip_queue" and recorded.tip_id
        tip = tips.get_tip(session, recorded.tip_id)
    assert tip.activity == "child exploitation" and tip.channel == "screening"
    assert tip.screening_id == recorded.id and recorded.id in tip.narrative


def test_a_low_score_is_not_referred_unless_the_officer_refers_it(database: Database) -> None:
    with database.session() as session:
        quiet = record_screening(
            session, "officer-a", _input(answers={"blue.isolation": "yes"}), CLOCK
        )
        to_case = record_screening(
            session,
            "officer-a",
            _input(draft_id="draft-0002", referral="case", case_id="HSI-2026-0042"),
            CLOCK,
        )
    assert (quiet.outcome, quiet.referral, quiet.tip_id) == (screenings.NO_REFERRAL, "none", "")
    assert (to_case.referral, to_case.case_id, to_case.tip_id) == ("case", "HSI-2026-0042", "")


def test_a_name_is_refused_without_consent_and_kept_with_it(database: Database) -> None:
    with database.session() as session:
        with pytest.raises(InvalidInput) as refused:
            record_screening(session, "officer-a", _input(subject_name="Maria L."), CLOCK)
        assert {d["field"] for d in refused.value.details} == {"subject_name"}
        kept = record_screening(
            session, "officer-a", _input(subject_name="Maria L.", consent=True), CLOCK
        )
    assert kept.subject_name == "Maria L." and kept.consent


def test_a_retried_draft_returns_the_screening_already_made(database: Database) -> None:
    with database.session() as session:
        first = record_screening(session, "officer-a", _input(), CLOCK)
    with database.session() as session:
        again = record_screening(session, "officer-a", _input(place="changed"), CLOCK)
        other = record_screening(session, "officer-b", _input(), CLOCK)
    assert again.id == first.id and again.place == "Terminal E"
    assert other.id != first.id


def test_officers_read_only_their_own_screenings(database: Database) -> None:
    with database.session() as session:
        mine = record_screening(session, "officer-a", _input(), CLOCK)
        assert screenings.get_screening(session, mine.id, "officer-a").id == mine.id
        with pytest.raises(NotFound):
            screenings.get_screening(session, mine.id, "officer-b")
        assert screenings.get_screening(session, mine.id, "sup", sees_all=True).id == mine.id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"encountered_on": "2026-04-30"}, "encountered_on"),
        ({"encountered_on": "2026-3-1"}, "encountered_on"),
        ({"place": " "}, "place"),
        ({"answers": {"blue.coached": "maybe"}}, "blue.coached"),
        ({"answers": {"no.such": "yes"}}, "no.such"),
        ({"referral": "case", "case_id": ""}, "case_id"),
        ({"draft_id": "x"}, "draft_id"),
    ],
)
def test_a_bad_screening_names_the_field(
    sqlite_database: Database, changes: dict[str, object], field: str
) -> None:
    with sqlite_database.session() as session, pytest.raises(InvalidInput) as refused:
        record_screening(session, "officer-a", _input(**changes), CLOCK)
    assert field in {d["field"] for d in refused.value.details}
