"""The protection part of the demo world: victims of FY2019-FY2021 and of the last two years,
with Continued Presence, T and U visa histories in the ledger.

Generated as records, never as totals: FY2021 holds 728 victims identified and assisted, 559
T visas approved for victims and 451 for family members (the source document's figures);
FY2020 smaller ones. Old matters are closed or adjusted; recent ones, held by the demo victim
specialist, carry live clocks (Continued Presence expiring, Supplement B about to lapse), so
the deadlines queue has work in it on any day the demo is built.

Identities are invented and sealed with one key; rows and ledger events go in as bulk
inserts (one audit row says what the seed wrote), so the step stays within its few seconds.
Idempotent: nothing is written when demo victims exist.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.authz import audit, users
from ctip.demo.world import FIRST_NAMES, LAST_NAMES, demo_username
from ctip.model.calendar import fiscal_year
from ctip.model.roles import Role
from ctip.protection import crypto, htcds
from ctip.protection.relief import DECIDED, GRANTED, PREFIX, REQUESTED, STREAM_KIND, Kind
from ctip.protection.tables import AssignmentRow, ReferralRow, ReliefRow, VictimCaseRow, VictimRow
from ctip.protection.victims import NEEDS, pseudonym_of
from ctip.store.bulk import insert_rows
from ctip.store.db import utc_now
from ctip.store.tables import LedgerEventRow, User

SEED = 20210728
ACTOR = "demo"
SPECIALIST = demo_username(Role.VICTIM_SPECIALIST)
OTHER_SPECIALISTS = ("demo.specialist-houston", "demo.specialist-newark")
VICTIMS = {2020: 641, 2021: 728}
T_APPROVED = {2020: (500, 398), 2021: (559, 451)}
"""Fiscal year -> (T visas approved for victims, for family members)."""
CP = {2020: (121, 109), 2021: (163, 151)}
"""Fiscal year -> (Continued Presence requested, granted)."""
U_PETITIONS = {2020: 70, 2021: 95}
T_FILED = {2021: 420}
"""T applications filed in the fiscal year and approved in the next one."""
RECENT = 24
NATIONALITIES = ("MX", "GT", "HN", "SV", "PH", "TH", "CN", "IN", "NG", "UA", "VN", "US")
LANGUAGES = {
    "MX": "Spanish",
    "GT": "K'iche'",
    "HN": "Spanish",
    "SV": "Spanish",
    "PH": "Tagalog",
    "TH": "Thai",
    "CN": "Mandarin",
    "IN": "Hindi",
    "NG": "Yoruba",
    "UA": "Ukrainian",
    "VN": "Vietnamese",
    "US": "English",
}
AGENCIES = ("HSI Houston", "HSI Newark", "HSI Los Angeles", "FBI Atlanta", "HSI Miami")
RELATIONS = ("spouse", "child", "child", "parent", "unmarried_sibling")


@dataclass
class Seeder:
    """What the seed has made so far, ready for bulk insert."""

    rng: random.Random
    today: date
    victims: list[dict[str, Any]] = field(default_factory=list)
    holders: dict[str, str] = field(default_factory=dict)
    reliefs: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    seq: dict[int, int] = field(default_factory=dict)
    relief_seq: dict[str, int] = field(default_factory=dict)
    identified: dict[str, str] = field(default_factory=dict)

    def day_in(self, fy: int) -> date:
        """A day of the fiscal year."""
        start = date(fy - 1, 10, 1)
        return start + timedelta(days=self.rng.randrange(365))

    def after_identified(self, pseudonym: str, low: int, high: int) -> date:
        """A day `low` to `high` days after the victim was identified (never in the future)."""
        identified = date.fromisoformat(self.identified[pseudonym])
        return min(identified + _days(self.rng, low, high), self.today)

    def victim(
        self, identified: date, holder: str | None = None, status: str = htcds.ACTUAL_VICTIM
    ) -> str:
        """A victim identified on the day; returns the pseudonym."""
        year = identified.year
        self.seq[year] = self.seq.get(year, 0) + 1
        pseudonym = pseudonym_of(year, self.seq[year])
        rng = self.rng
        country = rng.choice(NATIONALITIES)
        identity = {
            "names": [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"],
            "birth_date": (
                identified - timedelta(days=rng.randrange(17 * 365, 45 * 365))
            ).isoformat(),
            "nationality": country,
            "contact": f"+1 713 555 {rng.randrange(10000):04d}",
            "address": "",
            "languages": [LANGUAGES[country]],
            "documents": [],
        }
        sex = rng.random() < 0.55
        self.victims.append(
            {
                "pseudonym": pseudonym,
                "pseudonym_year": year,
                "pseudonym_seq": self.seq[year],
                "identified_on": identified.isoformat(),
                "fiscal_year": fiscal_year(identified),
                "trafficking_status": status,
                "exploitation": json.dumps(["SexualExploitation" if sex else "ForcedLabour"]),
                "recruitment": json.dumps(
                    [rng.choice(htcds.VALUES[htcds.METHOD_OF_RECRUITMENT][:9])]
                ),
                "control": json.dumps(
                    sorted(rng.sample(htcds.VALUES[htcds.METHODS_OF_CONTROL][:15], 2))
                ),
                "relationship": rng.choice(htcds.VALUES[htcds.RELATIONSHIP_TO_TRAFFICKER]),
                "age_when_trafficked": rng.randrange(14, 40),
                "needs": json.dumps(sorted(rng.sample(NEEDS, 2))),
                "assisted": True,
                "identity": crypto.seal(identity, pseudonym),
                "created_at": utc_now(),
                "created_by": ACTOR,
            }
        )
        self.identified[pseudonym] = identified.isoformat()
        self.holders[pseudonym] = holder or rng.choice((SPECIALIST, *OTHER_SPECIALISTS))
        return pseudonym

    def relief(
        self,
        pseudonym: str,
        kind: Kind,
        requested: date,
        steps: list[tuple[str, date, dict[str, Any]]],
    ) -> str:
        """A relief with its ledger: requested, then each (event, day, payload)."""
        key = f"{PREFIX[kind]}-{requested.year}-"
        self.relief_seq[key] = self.relief_seq.get(key, 0) + 1
        relief_id = f"{key}{self.relief_seq[key]:05d}"
        agency = self.rng.choice(AGENCIES) if kind is Kind.CONTINUED_PRESENCE else ""
        self.reliefs.append(
            {
                "id": relief_id,
                "pseudonym": pseudonym,
                "kind": kind.value,
                "requested_on": requested.isoformat(),
                "fiscal_year": fiscal_year(requested),
                "agency": agency,
                "officer": "",
                "case_id": "",
                "created_at": utc_now(),
                "created_by": ACTOR,
            }
        )
        opened = {
            "on": requested.isoformat(),
            "victim": pseudonym,
            "kind": kind.value,
            "agency": agency,
            "officer": "",
            "case": "",
        }
        for number, (event, day, payload) in enumerate(
            [(REQUESTED, requested, opened), *steps], start=1
        ):
            self.events.append(
                {
                    "stream_kind": STREAM_KIND,
                    "stream_id": relief_id,
                    "seq": number,
                    "kind": event,
                    "actor": ACTOR,
                    "at": f"{day.isoformat()}T15:00:00.000000Z",
                    "reason": event.replace("_", " "),
                    "payload": json.dumps({"on": day.isoformat(), **payload}, sort_keys=True),
                }
            )
        return relief_id


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randrange(low, high))


def _t_visas(s: Seeder, fy: int) -> dict[int, int]:
    """T applications approved in the fiscal year (victims and family); returns identified
    victims per fiscal year that these made."""
    made: dict[int, int] = {}
    victims_approved, family_approved = T_APPROVED[fy]
    family_left = family_approved
    end = date(fy, 9, 30)
    for index in range(victims_approved):
        approved = s.day_in(fy)
        filed = approved - _days(s.rng, 270, 450)
        identified = filed - _days(s.rng, 100, 200)
        pseudonym = s.victim(identified)
        made[fiscal_year(identified)] = made.get(fiscal_year(identified), 0) + 1
        steps: list[tuple[str, date, dict[str, Any]]] = [
            ("filed", filed, {"receipt": f"EAC{fy - 2000}{90000000 + index:08d}"}),
        ]
        if s.rng.random() < 0.6:
            steps.append(("supp_b_signed", filed - _days(s.rng, 10, 60), {"by": "HSI SAC"}))
        share = min(
            family_left,
            (family_left + (victims_approved - index) - 1) // (victims_approved - index),
        )
        for member in range(1, share + 1):
            steps.append(
                ("family_added", filed, {"member": member, "relationship": s.rng.choice(RELATIONS)})
            )
        steps.append((DECIDED, approved, {"outcome": GRANTED, "renewal": False}))
        for member in range(1, share + 1):
            steps.append(
                (
                    "family_decided",
                    min(approved + _days(s.rng, 0, 20), end),
                    {"member": member, "outcome": "approved"},
                )
            )
        family_left -= share
        steps.append(("adjustment_filed", approved + _days(s.rng, 3 * 366, 3 * 366 + 200), {}))
        s.relief(pseudonym, Kind.T_VISA, filed - _days(s.rng, 61, 90), _in_order(steps))
    return made


def _in_order(
    steps: list[tuple[str, date, dict[str, Any]]],
) -> list[tuple[str, date, dict[str, Any]]]:
    return sorted(steps, key=lambda step: step[1])


def _fill_victims(s: Seeder, fy: int, already: int) -> list[str]:
    """Victims identified in the fiscal year beyond those the T visas made."""
    return [s.victim(s.day_in(fy)) for _ in range(VICTIMS[fy] - already)]


def _continued_presence(s: Seeder, fy: int, pool: list[str]) -> None:
    requested_count, granted_count = CP[fy]
    for index, pseudonym in enumerate(s.rng.sample(pool, requested_count)):
        requested = s.after_identified(pseudonym, 0, 60)
        steps: list[tuple[str, date, dict[str, Any]]] = []
        decided = requested + _days(s.rng, 14, 60)
        if index < granted_count:
            steps.append((DECIDED, decided, {"outcome": GRANTED, "renewal": False}))
            if s.rng.random() < 0.4:
                renew_asked = decided + _days(s.rng, 600, 650)
                steps.append(("renewal_requested", renew_asked, {}))
                steps.append(
                    (
                        DECIDED,
                        renew_asked + _days(s.rng, 20, 60),
                        {"outcome": GRANTED, "renewal": True},
                    )
                )
            steps.append(("closed", decided + _days(s.rng, 1500, 1600), {}))
        else:
            steps.append((DECIDED, decided, {"outcome": "denied", "renewal": False}))
        s.relief(pseudonym, Kind.CONTINUED_PRESENCE, requested, steps)


def _t_filed(s: Seeder, fy: int, pool: list[str]) -> None:
    """T applications filed in the fiscal year and decided the next (approved, adjusted later)."""
    for index, pseudonym in enumerate(s.rng.sample(pool, T_FILED[fy])):
        filed = s.after_identified(pseudonym, 91, 200)
        approved = max(date(fy, 10, 1) + _days(s.rng, 0, 300), filed + _days(s.rng, 150, 300))
        steps: list[tuple[str, date, dict[str, Any]]] = [
            ("filed", filed, {"receipt": f"VSC{fy - 2000}{80000000 + index:08d}"}),
            (DECIDED, approved, {"outcome": GRANTED, "renewal": False}),
            ("adjustment_filed", approved + _days(s.rng, 3 * 366, 3 * 366 + 200), {}),
        ]
        if s.rng.random() < 0.5:
            steps.insert(0, ("supp_b_signed", filed - _days(s.rng, 10, 60), {"by": "HSI SAC"}))
        s.relief(pseudonym, Kind.T_VISA, filed - _days(s.rng, 61, 90), steps)


def _u_visas(s: Seeder, fy: int, pool: list[str]) -> None:
    for pseudonym in s.rng.sample(pool, U_PETITIONS[fy]):
        signed = s.after_identified(pseudonym, 20, 120)
        filed = signed + _days(s.rng, 20, 150)
        bfd = filed + _days(s.rng, 300, 700)
        steps = [
            ("supp_b_requested", signed - _days(s.rng, 10, 40), {"by": "HSI SAC"}),
            ("supp_b_signed", signed, {"by": "HSI SAC"}),
            ("filed", filed, {"receipt": ""}),
            ("bfd", bfd, {}),
            ("ead", bfd + _days(s.rng, 30, 90), {}),
            ("waiting_list", bfd + _days(s.rng, 400, 900), {}),
        ]
        s.relief(pseudonym, Kind.U_VISA, signed - _days(s.rng, 40, 80), _in_order(steps))


def _recent(s: Seeder) -> None:
    """The demo specialist's current work: clocks due soon, one overdue."""
    today = s.today
    for index in range(RECENT):
        pseudonym = s.victim(today - _days(s.rng, 200, 700), SPECIALIST)
        pick = index % 4
        if pick == 0:
            granted = today - timedelta(days=730 - 10 - index)
            s.relief(
                pseudonym,
                Kind.CONTINUED_PRESENCE,
                granted - timedelta(days=30),
                [(DECIDED, granted, {"outcome": GRANTED, "renewal": False})],
            )
        elif pick == 1:
            signed = today - timedelta(days=150 + index)
            s.relief(
                pseudonym,
                Kind.U_VISA,
                signed - timedelta(days=20),
                [("supp_b_signed", signed, {"by": "HSI SAC"})],
            )
        elif pick == 2:
            s.relief(pseudonym, Kind.CONTINUED_PRESENCE, today - timedelta(days=5 + index), [])
        else:
            filed = today - timedelta(days=120 + index)
            s.relief(
                pseudonym,
                Kind.T_VISA,
                filed - timedelta(days=10),
                [("filed", filed, {"receipt": f"EAC26{90100000 + index:08d}"})],
            )
    overdue = s.victim(today - timedelta(days=400), SPECIALIST)
    signed = today - timedelta(days=200)
    s.relief(
        overdue,
        Kind.U_VISA,
        signed - timedelta(days=10),
        [("supp_b_signed", signed, {"by": "HSI SAC"})],
    )


def _ensure_specialists(session: Session) -> None:
    for username in OTHER_SPECIALISTS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            users.add_user(
                session,
                ACTOR,
                username,
                f"{username}-{SEED}-not-for-sign-in",
                Role.VICTIM_SPECIALIST.value,
            )


def build(today: date) -> Seeder:
    """The whole protection world, in memory (deterministic for a given day)."""
    s = Seeder(random.Random(SEED), today)
    made: dict[int, int] = {}
    for fy in (2020, 2021):
        for year, count in _t_visas(s, fy).items():
            made[year] = made.get(year, 0) + count
    pools = {fy: _fill_victims(s, fy, made.get(fy, 0)) for fy in (2020, 2021)}
    for fy in (2020, 2021):
        _continued_presence(s, fy, pools[fy])
        _u_visas(s, fy, pools[fy])
    _t_filed(s, 2021, pools[2021])
    _recent(s)
    return s


def seed_demo(session: Session) -> str:
    """Write the protection world once; say what was made."""
    if session.scalar(select(func.count()).select_from(VictimRow)):
        return "demo victims already present"
    if session.scalar(select(User.id).where(User.username == SPECIALIST)) is None:
        return "no demo victim specialist; skipped"
    _ensure_specialists(session)
    s = build(date.today())
    insert_rows(session, VictimRow, s.victims)
    ids = {str(p): int(i) for p, i in session.execute(select(VictimRow.pseudonym, VictimRow.id))}
    stamp = utc_now()
    insert_rows(
        session,
        AssignmentRow,
        [
            {"victim_id": ids[p], "username": u, "assigned_at": stamp, "assigned_by": ACTOR}
            for p, u in s.holders.items()
        ],
    )
    insert_rows(
        session,
        ReliefRow,
        [
            {k: v for k, v in r.items() if k != "pseudonym"} | {"victim_id": ids[r["pseudonym"]]}
            for r in s.reliefs
        ],
    )
    insert_rows(session, LedgerEventRow, s.events)
    _extras(session, s, ids)
    detail = {"victims": len(s.victims), "relief": len(s.reliefs), "events": len(s.events)}
    audit.record(session, ACTOR, "protection.demo_seeded", "protection:demo", detail)
    return (
        f"protection: {len(s.victims)} victims (identities sealed), {len(s.reliefs)} relief "
        f"matters, {len(s.events)} ledger events"
    )


def _extras(session: Session, s: Seeder, ids: dict[str, int]) -> None:
    """A few case links and referrals, so pages show them."""
    recent = [v["pseudonym"] for v in s.victims[-RECENT - 1 :]]
    insert_rows(
        session,
        VictimCaseRow,
        [
            {"victim_id": ids[p], "case_id": f"HSI-{p[2:6]}-{i + 1:05d}"}
            for i, p in enumerate(recent)
        ],
    )
    insert_rows(
        session,
        ReferralRow,
        [
            {
                "victim_id": ids[p],
                "service": service,
                "provider": "Demo Survivor Services",
                "status": "receiving",
                "referred_on": s.today.isoformat(),
                "updated_at": utc_now(),
                "updated_by": ACTOR,
            }
            for p in recent
            for service in ("shelter", "legal")
        ],
    )
