"""What the finance area lets people do: financial analysis belongs to those who work
trafficking networks (intel analysts, investigators) and oversight."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import INVESTIGATORS


class FinanceAction(AreaAction):
    """Reading accounts and findings; loading bank records and running scans."""

    READ = "finance:read", INVESTIGATORS
    WRITE = "finance:write", INVESTIGATORS
