"""What the intake area lets people do.

The public (anyone, signed in or not) submits tips and adds to their own tip with its
acknowledgement code. Front-line officers record encounter screenings and see only their
own; supervisors and admins answer for them and may read all. The intel analysts and
investigators triage tips; the trade analysts review forced-labour allegations.
"""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import INVESTIGATORS, OVERSIGHT, TRADE_OFFICERS, Role


class IntakeAction(AreaAction):
    """Submitting tips, screening encounters, triaging tips, reviewing allegations."""

    SUBMIT_TIP = "intake:tip_submit", frozenset(Role)
    SCREEN = "intake:screen", frozenset({Role.FRONTLINE_OFFICER}) | OVERSIGHT
    TRIAGE = "intake:triage", INVESTIGATORS
    REVIEW_ALLEGATIONS = "intake:allegations", TRADE_OFFICERS


SEES_EVERY_SCREENING = OVERSIGHT
"""Roles that read every officer's screenings (an officer reads only their own)."""
