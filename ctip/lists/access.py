"""What the lists area lets people do, and who may: every analyst's daily work, and the
official lists under four eyes (a trade analyst or admin loads, a supervisor or admin
other than the loader approves)."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS, OVERSIGHT, Role


class ListAction(AreaAction):
    """Reading and loading lists, screening names against them, governing official lists."""

    READ = "list:read", ANALYSTS
    WRITE = "list:write", ANALYSTS
    SCREEN = "screen:run", ANALYSTS
    LOAD_OFFICIAL = "list:load-official", frozenset({Role.TRADE_ANALYST, Role.ADMIN})
    APPROVE = "list:approve", OVERSIGHT
    MARK_OFFICIAL = "list:mark-official", frozenset({Role.ADMIN})
