"""The intake area's part of the demo world: public tips, forced-labour allegations and the
front-line officer's encounter screenings, with triage decisions on the older tips.

Deterministic (a seeded RNG) and bulk-inserted. Some tips give phones, e-mails and names
the entity store already holds, and a few repeat each other, so the triage page has
duplicates and store matches to explain; some allegations name companies on the published
UFLPA Entity List, so the allegation page has list matches to explain.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.intake import screenings, tips
from ctip.intake.packs import all_questions
from ctip.intake.tables import ScreeningRow, TipKeyRow, TipRow
from ctip.model.clock import FixedClock, iso_utc
from ctip.store.bulk import insert_rows
from ctip.store.tables import EntityIdentifier, StatementRow

DEMO_SEED: Final = 13
DEMO_ACTOR: Final = "demo"
OFFICER: Final = "demo.frontline-officer"
ANALYST: Final = "demo.intel-analyst"
TRADE_ANALYST: Final = "demo.trade-analyst"
FIRST_DAY: Final = date(2020, 10, 1)
PUBLIC_TIPS: Final = 260
ALLEGATIONS: Final = 36
SCREENINGS: Final = 160
ALPHABET: Final = tips.ACK_ALPHABET

PLACES: Final = (
    "Houston, TX",
    "Atlanta, GA",
    "Queens, NY",
    "Los Angeles, CA",
    "Miami, FL",
    "Chicago, IL",
    "Newark, NJ",
    "Seattle, WA",
    "Dallas, TX",
    "Las Vegas, NV",
    "Phoenix, AZ",
    "Denver, CO",
)
VENUES: Final = (
    "a massage parlour on the main road",
    "a nail salon near the mall",
    "a motel off the highway",
    "a farm outside town",
    "a restaurant kitchen",
    "a construction site",
    "a private house",
    "a truck stop",
    "a cleaning company's van",
    "an apartment above a shop",
)
STORIES: Final = {
    "sex trafficking": (
        "Young women are driven to {venue} in {place} late at night and picked up before dawn; "
        "a man holds their phones and does the talking.",
        "An online ad for {venue} in {place} shows the same girls every week with new names; "
        "they never seem to leave the building.",
    ),
    "labor trafficking": (
        "Workers at {venue} in {place} sleep on site, say they owe the recruiter for their "
        "visas and are not paid; their passports are kept in the office.",
        "A crew at {venue} in {place} works fourteen-hour days seven days a week; the boss "
        "drives them everywhere and they are afraid to speak.",
    ),
    "child exploitation": (
        "A teenage girl who looks about fifteen is brought to {venue} in {place} by an older "
        "man who answers for her.",
        "A boy of about fourteen works nights at {venue} in {place} instead of going to school.",
    ),
    "other": (
        "Something is wrong at {venue} in {place}: people come and go at all hours and the "
        "windows are covered.",
    ),
}
DETAILS: Final = (
    "I saw it three times last month, always after midnight.",
    "The windows are blacked out and there is a camera over the back door.",
    "Nobody speaks English except the manager, who collects the cash.",
    "A silver sedan drops people off and leaves within minutes.",
    "One of them had a bruise on her arm and would not look at me.",
    "They told a neighbour they cannot leave until a debt is paid.",
    "The same ad was posted again with a different phone number.",
    "My cousin worked there for a week and was never paid.",
    "Mattresses are carried in and out; about ten people seem to live there.",
    "The boss shouts at them and takes their phones at the start of the shift.",
    "I am not sure, but it did not feel right and I wanted someone to know.",
    "They are driven to another site every morning in a locked van.",
)
RETOLD: Final = 0.06
"""Share of public tips that repeat an earlier one (the same reporter, or another witness)."""
ACTIVITY_WEIGHTS: Final = (
    ("sex trafficking", 0.42),
    ("labor trafficking", 0.33),
    ("child exploitation", 0.13),
    ("other", 0.12),
)
COMPANIES: Final = (
    ("Hoshine Silicon Industry (Shanshan) Co., Ltd.", "polysilicon", "cn", ("3", "7", "8")),
    ("Xinjiang Zhongtai Chemical Co., Ltd.", "PVC resin", "cn", ("1", "3", "6")),
    ("Marlow Sea Harvest Ltd", "frozen shrimp", "th", ("7", "8", "9", "11")),
    ("Golden Reed Gloves Sdn Bhd", "rubber gloves", "my", ("8", "9", "10", "11")),
    ("Sunrise Cotton Spinning Co.", "cotton yarn", "cn", ("2", "3", "4")),
    ("Andes Brick Works", "bricks", "pe", ("1", "9", "10")),
    ("Blue Lagoon Fishing Co.", "tuna", "fj", ("4", "5", "7", "8")),
    ("Cacao Verde Cooperative", "cocoa beans", "ci", ("1", "2", "8")),
)
DOCUMENTS: Final = (
    "Worker interview notes (NGO field visit)",
    "Photographs of the dormitory",
    "Recruitment agency fee receipts",
    "Shipping manifest extract",
    "Satellite imagery of the site",
)
AIRPORTS: Final = (
    ("IAH", "Terminal E, George Bush Intercontinental"),
    ("ATL", "Concourse F, Hartsfield-Jackson"),
    ("JFK", "Terminal 4 arrivals, JFK"),
    ("LAX", "Tom Bradley International Terminal"),
    ("MIA", "North Terminal, Miami International"),
    ("ORD", "Terminal 5, O'Hare"),
    ("EWR", "Terminal B, Newark Liberty"),
    ("2704", "Port of Los Angeles, cargo terminal"),
    ("5301", "Port of Houston, Barbours Cut"),
)
DECISION_SHARE: Final = 0.7
"""Share of tips older than 60 days that have a decision."""


def _day(rng: random.Random, today: date) -> date:
    """A day weighted toward FY2021 (the source document's year), some up to today."""
    if rng.random() < 0.55:
        start, end = FIRST_DAY, date(2021, 9, 30)
    else:
        start, end = date(2021, 10, 1), today
    return start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _stamp(day: date, rng: random.Random) -> str:
    moment = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), tzinfo=UTC)
    return iso_utc(moment)


def _tip_id(rng: random.Random) -> str:
    return "TIP-" + "".join(rng.choice(ALPHABET) for _ in range(10))


def _known(session: Session) -> tuple[list[str], list[str], list[str]]:
    """Phones, e-mails and person names the entity store holds (some tips repeat them)."""

    def keys(kind: str) -> list[str]:
        query = select(EntityIdentifier.key).where(EntityIdentifier.kind == kind)
        return list(session.execute(query.order_by(EntityIdentifier.key).limit(15)).scalars())

    names = select(StatementRow.value).where(
        StatementRow.schema == "Person", StatementRow.prop == "name"
    )
    return keys("phone"), keys("email"), list(session.execute(names.limit(15)).scalars())


def _public_tip(
    rng: random.Random, known: tuple[list[str], list[str], list[str]], today: date
) -> tuple[tips.TipInput, date, str]:
    activity = rng.choices([a for a, _ in ACTIVITY_WEIGHTS], [w for _, w in ACTIVITY_WEIGHTS])[0]
    place, venue = rng.choice(PLACES), rng.choice(VENUES)
    story = rng.choice(STORIES[activity]).format(place=place, venue=venue)
    narrative = " ".join([story, *rng.sample(DETAILS, rng.randint(1, 3))])
    phones, emails, names = known
    tip = tips.TipInput(
        reporter_location="inside_us" if rng.random() < 0.9 else "outside_us",
        activity=activity,
        narrative=narrative,
        persons=(rng.choice(names),) if names and rng.random() < 0.25 else (),
        places=(f"{venue}, {place}",),
        phones=(rng.choice(phones),) if phones and rng.random() < 0.2 else (),
        emails=(rng.choice(emails),) if emails and rng.random() < 0.15 else (),
        vehicles=("white van, Texas plates",) if rng.random() < 0.1 else (),
        contact="call back after 6 pm" if rng.random() < 0.2 else "",
    )
    return tip, _day(rng, today), "web" if rng.random() < 0.7 else "api"


def _retold(
    rng: random.Random, made: list[tuple[tips.TipInput, date, str]]
) -> tuple[tips.TipInput, date, str]:
    """An earlier tip told again a few days later: the same story and phone, a new detail."""
    earlier, day, channel = rng.choice(made)
    narrative = f"Again about this: {earlier.narrative} {rng.choice(DETAILS)}"
    tip = replace(earlier, narrative=narrative, contact="")
    return tip, day + timedelta(days=rng.randint(1, 10)), channel


def _allegation(rng: random.Random, today: date) -> tuple[tips.TipInput, date, str]:
    company, goods, country, indicators = rng.choice(COMPANIES)
    harm = (
        "recruitment debts and confiscated passports"
        if "9" in indicators
        else "being unable to leave the compound"
    )
    narrative = (
        f"Workers making {goods} for {company} report {harm}; "
        "an NGO field team interviewed several of them."
    )
    tip = tips.TipInput(
        reporter_location="outside_us" if rng.random() < 0.6 else "inside_us",
        activity=tips.FORCED_LABOUR,
        narrative=narrative,
        company=company,
        goods=goods,
        country=country,
        ilo_indicators=indicators,
        documents=tuple(rng.sample(DOCUMENTS, rng.randint(1, 3))),
        contact="NGO liaison office, reply by e-mail" if rng.random() < 0.5 else "",
    )
    return tip, _day(rng, today), "web"


def _tip_rows(
    rng: random.Random, made: list[tuple[tips.TipInput, date, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    rows, keys = [], []
    for tip, day, channel in made:
        tip = tips.validate(tip)
        tip_id = _tip_id(rng)
        values = tips.tip_values(tip, tip_id, channel, FixedClock.on(day))
        values.update(received_at=_stamp(day, rng), ack_sha256=None)
        rows.append(values)
        keys.extend(tips.tip_keys(tip_id, tip))
    return rows, keys


def _draft_id(number: int) -> str:
    return f"demo-draft-{number:05d}"


def _answers(rng: random.Random) -> dict[str, str]:
    """Mostly quiet encounters; some with several indicators; a rare minor."""
    concern = rng.random()
    answers = {}
    for question_id in all_questions():
        if question_id == "blue.minor_commercial_sex":
            answers[question_id] = "yes" if concern > 0.985 else "no"
            continue
        chance = 0.04 if concern < 0.6 else 0.25 if concern < 0.9 else 0.5
        answers[question_id] = "yes" if rng.random() < chance else rng.choice(("no", "unknown"))
    return {q: a for q, a in answers.items() if a != "unknown"}


def _screening_rows(
    rng: random.Random, today: date
) -> tuple[list[dict[str, Any]], list[tuple[tips.TipInput, date, str, str]]]:
    rows, referred = [], []
    for number in range(SCREENINGS):
        day = _day(rng, today)
        port, place = rng.choice(AIRPORTS)
        answers = _answers(rng)
        explanation = screenings.score_answers(answers)
        referral = "none"
        if explanation.outcome == screenings.REFER or explanation.overriding():
            referral = "case" if rng.random() < 0.15 else "tip_queue"
        screening_id = f"SCR-{day.strftime('%Y%m%d')}-D{number:07d}"
        rows.append(
            {
                "id": screening_id,
                "draft_id": _draft_id(number),
                "officer": OFFICER,
                "place": place,
                "port": port,
                "encountered_on": day.isoformat(),
                "recorded_at": _stamp(day, rng),
                "answers": json.dumps(answers, sort_keys=True),
                "notes": "Travelling with an older companion who answered every question."
                if referral != "none"
                else "",
                "consent": False,
                "subject_name": "",
                "score": explanation.score,
                "outcome": explanation.outcome,
                "explanation": explanation.to_json(),
                "referral": referral,
                "case_id": f"HSI-{day.year}-{rng.randrange(1000, 9999)}"
                if referral == "case"
                else "",
                "tip_id": "",
            }
        )
        if referral == "tip_queue":
            narrative = (
                f"Referred from encounter screening {screening_id} at {place} ({port}) on "
                f"{day.isoformat()}. {explanation.summary()}"
            )
            tip = tips.TipInput(
                "inside_us", screenings.activity_of(explanation), narrative, places=(place,)
            )
            referred.append((tip, day, "screening", screening_id))
    return rows, referred


def _decide_older(
    session: Session, rng: random.Random, rows: list[dict[str, Any]], today: date
) -> int:
    decided = 0
    for row in rows:
        age = (today - date.fromisoformat(row["received_on"])).days
        if age < 60 or rng.random() > DECISION_SHARE:
            continue
        actor = TRADE_ANALYST if row["activity"] == tips.FORCED_LABOUR else ANALYST
        choice = rng.random()
        if choice < 0.3:
            decision = tips.Decision(
                "accepted",
                "credible, specific and actionable",
                f"HSI-{row['received_on'][:4]}-{rng.randrange(1000, 9999)}",
            )
        elif choice < 0.55:
            decision = tips.Decision(
                "referred", "outside HSI jurisdiction", referred_to="local police department"
            )
        else:
            decision = tips.Decision("closed", "not enough to act on; no further lead")
        day = date.fromisoformat(row["received_on"]) + timedelta(days=rng.randint(1, 20))
        tips.decide(session, row["id"], actor, decision, FixedClock.on(day))
        decided += 1
    return decided


def seed_demo(session: Session) -> str:
    """Tips, allegations and screenings; decisions on most tips older than 60 days."""
    marker = select(ScreeningRow.id).where(
        ScreeningRow.officer == OFFICER, ScreeningRow.draft_id == _draft_id(0)
    )
    if session.execute(marker).first() is not None:
        return "intake: already seeded"
    rng = random.Random(DEMO_SEED)
    today = date.today()
    known = _known(session)
    made: list[tuple[tips.TipInput, date, str]] = []
    for _ in range(PUBLIC_TIPS):
        made.append(
            _retold(rng, made) if made and rng.random() < RETOLD else _public_tip(rng, known, today)
        )
    made += [_allegation(rng, today) for _ in range(ALLEGATIONS)]
    screening_rows, referred = _screening_rows(rng, today)
    rows, keys = _tip_rows(rng, made)
    referred_rows, referred_keys = _tip_rows(rng, [(t, d, c) for t, d, c, _ in referred])
    for row, (*_made, screening_id) in zip(referred_rows, referred, strict=True):
        row["screening_id"] = screening_id
    by_screening = {row["screening_id"]: row["id"] for row in referred_rows}
    for row in screening_rows:
        row["tip_id"] = by_screening.get(row["id"], "")
    insert_rows(session, TipRow, rows + referred_rows)
    insert_rows(session, TipKeyRow, keys + referred_keys)
    insert_rows(session, ScreeningRow, screening_rows)
    decided = _decide_older(session, rng, rows + referred_rows, today)
    detail = {"tips": len(rows) + len(referred_rows), "screenings": len(screening_rows)}
    audit.record(session, DEMO_ACTOR, "intake.demo_seeded", "intake", detail)
    return (
        f"{PUBLIC_TIPS} public tips, {ALLEGATIONS} forced-labour allegations, "
        f"{len(screening_rows)} screenings ({len(referred_rows)} referred to the tip queue), "
        f"{decided} triage decisions"
    )
