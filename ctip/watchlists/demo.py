"""The lists of the demo world: the shipped UFLPA excerpt and a small team watchlist.

Deterministic and idempotent: the same bytes load as the same edition, so a second
`ctip demo` changes nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ctip.trade.lists import UFLPA_LIST
from ctip.trade.lists.uflpa import prepare_uflpa, sample_bytes
from ctip.watchlists.store import load_watchlist, save_edition

DEMO_ACTOR = "demo"
DEMO_ORDER = 10  # lists first: the trade demo screens against them
TEAM_LIST = "demo-team-watchlist"
TEAM_WATCHLIST = (
    "id,name,aliases,schema,country,birth_date,address\n"
    "tw-1,Golden Thread Apparel Trading Co. Ltd.,"
    "Golden Thread Trading;金线服装贸易有限公司,Company,cn,,"
    '"Kashgar, Xinjiang"\n'
    "tw-2,Marlow Sea Harvest Ltd,Marlow Seafoods,Company,th,,Samut Sakhon\n"
    "tw-3,Viktor Salnikov,Виктор Сальников,Person,ru,1974-05-12,\n"
    "tw-4,Ocean Pearl 8,,Vessel,tw,,\n"
).encode()


def seed_demo(session: Session) -> str:
    """Load the UFLPA excerpt and the demo team's watchlist; one line saying what is there."""
    uflpa = save_edition(
        session,
        UFLPA_LIST,
        prepare_uflpa(sample_bytes(), "uflpa_sample.csv", UFLPA_LIST),
        DEMO_ACTOR,
        "sample",
        "uflpa",
    )
    team = load_watchlist(
        session, TEAM_WATCHLIST, "demo-team-watchlist.csv", TEAM_LIST, DEMO_ACTOR, "demo-1"
    )
    return f"lists: {UFLPA_LIST} ({uflpa.entries} entries), {TEAM_LIST} ({team.entries} entries)"
