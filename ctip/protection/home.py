"""The protection area's count on a victim specialist's home page: relief deadlines due."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.model.roles import Role
from ctip.protection import queue
from ctip.store.tables import User


def deadlines_due_soon(session: Session, username: str) -> int:
    """A specialist's own relief deadlines due in 30 days or overdue; a supervisor's tile
    counts everyone's (they answer for the whole queue)."""
    role = session.scalar(select(User.role).where(User.username == username))
    return queue.due_soon(session, None if role == Role.SUPERVISOR.value else username)
