"""What the lists area lets people do, and who may: every analyst's daily work."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS


class ListAction(AreaAction):
    """Reading and loading lists, and screening names against them."""

    READ = "list:read", ANALYSTS
    WRITE = "list:write", ANALYSTS
    SCREEN = "screen:run", ANALYSTS
