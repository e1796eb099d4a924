"""The demo team's watchlist (the trade area loads the official forced-labour lists itself).

Deterministic and idempotent: the same bytes load as the same edition, so a second
`ctip demo` changes nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ctip.lists.store import load_watchlist

DEMO_ACTOR = "demo"
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
    """Load the demo team's watchlist; one line saying what is there."""
    team = load_watchlist(
        session, TEAM_WATCHLIST, "demo-team-watchlist.csv", TEAM_LIST, DEMO_ACTOR, "demo-1"
    )
    return f"{TEAM_LIST} ({team.entries} entries)"
