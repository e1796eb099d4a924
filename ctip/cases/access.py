"""What the cases area lets people do.

Investigators and intelligence analysts open and work cases; supervisors and admins oversee
them. Who reads a case in full is decided per case on top of these grants (need to know:
its lead and team, and oversight); everyone else granted `READ` sees another case only at
deconfliction level (its number, office and lead).
"""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS, INVESTIGATORS, OVERSIGHT


class CaseAction(AreaAction):
    """Reading cases (need-to-know applies), working them, and seeing every case in full."""

    READ = "cases:read", INVESTIGATORS
    WRITE = "cases:write", INVESTIGATORS
    OVERSEE = "cases:oversee", OVERSIGHT
    FIGURES = "cases:figures", ANALYSTS
