"""The protection area, declared once: victims in a need-to-know compartment, Continued
Presence, T and U visas, their deadlines and fiscal-year figures."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.model.area import Area, DemoStep, HomeTile, NavEntry, grants_of
from ctip.model.roles import Role
from ctip.protection import api, commands, demo, metrics, pages, queue, tables
from ctip.protection.access import ProtectionAction
from ctip.store.tables import User, tables_in

HERE = Path(__file__).parent


def _due_soon(session: Session, username: str) -> int:
    """A specialist's own relief deadlines due in 30 days or overdue; a supervisor's tile
    counts everyone's (they answer for the whole queue)."""
    role = session.scalar(select(User.role).where(User.username == username))
    return queue.due_soon(session, None if role == Role.SUPERVISOR.value else username)


AREA = Area(
    name="protection",
    title="Protection",
    grants=grants_of(ProtectionAction),
    routers=(api.router,),
    pages=(pages.router,),
    nav=(
        NavEntry(
            "Protection",
            "/protection",
            ProtectionAction.READ,
            "Victims by pseudonym, their identity in a compartment only their specialists "
            "open; Continued Presence, T and U visas with their legal deadlines.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={"protection": commands.app},
    tables=tables_in(tables),
    migrations=HERE / "migrations",
    demo=DemoStep(demo.seed_demo),
    metrics=metrics.METRICS,
    home=(
        HomeTile(
            "Relief deadlines in the next 30 days or overdue",
            "/protection/deadlines",
            ProtectionAction.RELIEF_READ,
            _due_soon,
        ),
    ),
)
