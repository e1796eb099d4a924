"""What the outreach area lets people do: outreach staff record; leadership and they read."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import OVERSIGHT, Role


class OutreachAction(AreaAction):
    """Reading the outreach records and recording trainings, presentations and partners."""

    READ = "outreach:read", OVERSIGHT | {Role.OUTREACH}
    WRITE = "outreach:write", frozenset({Role.OUTREACH, Role.ADMIN})
