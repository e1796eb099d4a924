"""Front-line encounter screenings: the officer's answers scored against published indicators.

Each "yes" adds its question's weight (the DHS Blue Campaign questions and the ILO's forced-
labour indicators, `ctip.intake.packs`); the score, capped at 1, decides between referring,
considering a referral and no referral indicated, and every "yes" is a feature of the
explanation with its published source. A question marked `refer_at_once` (a minor in
commercial sex) refers the encounter whatever the score: its feature decides over the score,
and a screening the officer did not refer goes to the HSI tip queue anyway.

A screening records the place, the port or airport, the day, the answers and free notes; the
person's name only with their consent. Officers see only their own screenings. A browser
that retries a send (a lost connection) sends the same draft id and gets the screening it
already made, never a second one.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.intake import tips
from ctip.intake.packs import Question, all_questions
from ctip.intake.tables import ScreeningRow
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import InvalidInput, NotFound
from ctip.model.explain import Explanation, Feature, Reference, RefKind, Threshold

ANSWERS: Final = ("yes", "no", "unknown")
REFER: Final = "refer"
CONSIDER: Final = "consider referral"
NO_REFERRAL: Final = "no referral indicated"
OUTCOMES: Final = (REFER, CONSIDER, NO_REFERRAL)
THRESHOLDS: Final = (Threshold(REFER, 0.5), Threshold(CONSIDER, 0.25))
REFERRALS: Final = ("none", "tip_queue", "case")
DRAFT_ID: Final = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PORT: Final = re.compile(r"^[A-Za-z0-9]{0,10}$")
MAX_PLACE: Final = 200
MAX_NOTES: Final = 4000
MAX_NAME: Final = 300
OLDEST: Final = date(2000, 1, 1)
STREAM_KIND: Final = "intake_screening"


@dataclass(frozen=True)
class ScreeningInput:
    """What the officer sends from the form (or the API)."""

    draft_id: str
    place: str
    encountered_on: str
    answers: Mapping[str, str]
    port: str = ""
    notes: str = ""
    consent: bool = False
    subject_name: str = ""
    referral: str = "none"
    case_id: str = ""


@dataclass(frozen=True)
class Screening:
    """A recorded screening with its explanation."""

    id: str
    officer: str
    place: str
    port: str
    encountered_on: str
    recorded_at: str
    answers: dict[str, str]
    notes: str
    consent: bool
    subject_name: str
    score: float
    outcome: str
    explanation: Explanation
    referral: str
    case_id: str
    tip_id: str


def _feature(question: Question) -> Feature:
    reference = Reference(RefKind.RULE, question.id, question.indicator, citation=question.citation)
    sentence = f"{question.indicator}: answered yes to “{question.text}”"
    if question.refer_at_once:
        sentence += " A yes refers the encounter at once, whatever the score."
    return Feature(
        question.id,
        1.0,
        question.weight,
        sentence,
        (reference,),
        overrides=question.refer_at_once,
    )


def score_answers(answers: Mapping[str, str]) -> Explanation:
    """The referral score of a set of answers, with a feature per "yes"."""
    questions = all_questions()
    yes = [questions[q] for q, a in answers.items() if a == "yes" and q in questions]
    features = tuple(_feature(q) for q in yes)
    score = round(min(1.0, sum(q.weight for q in yes)), 4)
    outcome = _outcome(score, any(q.refer_at_once for q in yes))
    return Explanation(outcome, score, features, THRESHOLDS, NO_REFERRAL)


def _outcome(score: float, at_once: bool) -> str:
    if at_once:
        return REFER
    for threshold in THRESHOLDS:
        if score >= threshold.at:
            return threshold.outcome
    return NO_REFERRAL


def _problem(name: str, reason: str) -> dict[str, str]:
    return {"field": name, "reason": reason}


def _day_problem(text: str, today: date) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return "a date as YYYY-MM-DD"
    if len(text) != len("2024-01-31"):
        return "a date as YYYY-MM-DD"
    if day > today + timedelta(days=1) or day < OLDEST:
        return "the day of the encounter (not in the future)"
    return ""


def _problems(data: ScreeningInput, today: date) -> list[dict[str, str]]:
    problems = []
    if not DRAFT_ID.match(data.draft_id):
        problems.append(_problem("draft_id", "8 to 64 letters, digits, - or _"))
    if not data.place.strip() or len(data.place) > MAX_PLACE:
        problems.append(_problem("place", f"where the encounter happened (1 to {MAX_PLACE})"))
    if not PORT.match(data.port.strip()):
        problems.append(_problem("port", "the port or airport code (letters and digits)"))
    day = _day_problem(data.encountered_on.strip(), today)
    if day:
        problems.append(_problem("encountered_on", day))
    questions = all_questions()
    for question_id, answer in data.answers.items():
        if question_id not in questions or answer not in ANSWERS:
            problems.append(_problem(question_id, f"answer one of {', '.join(ANSWERS)}"))
    if len(data.notes) > MAX_NOTES:
        problems.append(_problem("notes", f"at most {MAX_NOTES} characters"))
    problems.extend(_identity_problems(data))
    return problems


def _identity_problems(data: ScreeningInput) -> list[dict[str, str]]:
    problems = []
    if data.subject_name.strip() and not data.consent:
        reason = "leave the name out unless the person consents to give it"
        problems.append(_problem("subject_name", reason))
    if len(data.subject_name) > MAX_NAME:
        problems.append(_problem("subject_name", f"at most {MAX_NAME} characters"))
    if data.referral not in REFERRALS:
        problems.append(_problem("referral", f"one of {', '.join(REFERRALS)}"))
    if data.referral == "case" and not tips.CASE_ID.match(data.case_id.strip()):
        problems.append(_problem("case_id", "the id of the existing case"))
    return problems


def _find_draft(session: Session, officer: str, draft_id: str) -> ScreeningRow | None:
    query = select(ScreeningRow).where(
        ScreeningRow.officer == officer, ScreeningRow.draft_id == draft_id
    )
    return session.execute(query).scalar_one_or_none()


def record_screening(
    session: Session, officer: str, data: ScreeningInput, clock: Clock = SYSTEM_CLOCK
) -> Screening:
    """Score and store a screening, refer it as asked (or at once), and audit it.

    The same officer sending the same draft again gets the screening already made."""
    existing = _find_draft(session, officer, data.draft_id)
    if existing is not None:
        return screening_of(existing)
    problems = _problems(data, clock.today())
    if problems:
        raise InvalidInput("the screening cannot be recorded", problems)
    answers = {q: a for q, a in data.answers.items() if a != "unknown"}
    explanation = score_answers(answers)
    referral = data.referral
    if explanation.overriding() and referral == "none":
        referral = "tip_queue"
    row = ScreeningRow(
        id=new_screening_id(data.encountered_on),
        draft_id=data.draft_id,
        officer=officer,
        place=data.place.strip(),
        port=data.port.strip().upper(),
        encountered_on=data.encountered_on.strip(),
        recorded_at=iso_utc(clock.now()),
        answers=json.dumps(answers, sort_keys=True),
        notes=data.notes.strip(),
        consent=data.consent,
        subject_name=data.subject_name.strip() if data.consent else "",
        score=explanation.score,
        outcome=explanation.outcome,
        explanation=explanation.to_json(),
        referral=referral,
        case_id=data.case_id.strip() if referral == "case" else "",
        tip_id="",
    )
    session.add(row)
    if referral == "tip_queue":
        row.tip_id = _refer_to_tip_queue(session, officer, row, explanation, clock)
    detail = {"outcome": row.outcome, "referral": referral, "case_id": row.case_id}
    audit.record(session, officer, "intake_screening.recorded", f"{STREAM_KIND}:{row.id}", detail)
    return screening_of(row)


def new_screening_id(encountered_on: str) -> str:
    """SCR-<day>-<random>: sorts by day, cannot be guessed from a neighbour's."""
    return f"SCR-{encountered_on.strip().replace('-', '')}-{secrets.token_hex(4).upper()}"


def activity_of(explanation: Explanation) -> str:
    """The tip activity a referred screening suggests (a minor first, then forced labour)."""
    names = {f.name for f in explanation.features}
    if "blue.minor_commercial_sex" in names:
        return "child exploitation"
    if any(name.startswith("ilo.") for name in names):
        return "labor trafficking"
    return "other"


def _refer_to_tip_queue(
    session: Session, officer: str, row: ScreeningRow, explanation: Explanation, clock: Clock
) -> str:
    """A tip in the HSI queue carrying the screening's place, day, score and indicators."""
    indicators = "; ".join(f.references[0].label for f in explanation.features if f.references)
    narrative = (
        f"Referred from encounter screening {row.id} at {row.place}"
        f"{f' ({row.port})' if row.port else ''} on {row.encountered_on}. "
        f"{explanation.summary()} Indicators: {indicators or 'none'}."
    )
    if row.notes:
        narrative += f"\nOfficer's notes: {row.notes}"
    tip = tips.TipInput(
        reporter_location="inside_us",
        activity=activity_of(explanation),
        narrative=narrative,
        persons=(row.subject_name,) if row.subject_name else (),
        places=(row.place,),
    )
    receipt = tips.submit_tip(
        session, tip, "screening", actor=officer, screening_id=row.id, clock=clock
    )
    return receipt.tip_id


def screening_of(row: ScreeningRow) -> Screening:
    """A stored row as a screening."""
    return Screening(
        id=row.id,
        officer=row.officer,
        place=row.place,
        port=row.port,
        encountered_on=row.encountered_on,
        recorded_at=row.recorded_at,
        answers=dict(json.loads(row.answers or "{}")),
        notes=row.notes,
        consent=row.consent,
        subject_name=row.subject_name,
        score=row.score,
        outcome=row.outcome,
        explanation=Explanation.from_json(row.explanation),
        referral=row.referral,
        case_id=row.case_id,
        tip_id=row.tip_id,
    )


def get_screening(
    session: Session, screening_id: str, officer: str, sees_all: bool = False
) -> Screening:
    """One screening; another officer's is NotFound (not Forbidden: its existence is not
    disclosed). Reading a consented name is audited."""
    row = session.get(ScreeningRow, screening_id)
    if row is None or (row.officer != officer and not sees_all):
        raise NotFound(f"no screening {screening_id!r} of yours")
    if row.subject_name:
        audit.record(session, officer, "intake_screening.read_identity", f"{STREAM_KIND}:{row.id}")
    return screening_of(row)
