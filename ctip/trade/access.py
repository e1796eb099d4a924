"""What the trade area lets people do: all analysts read; trade officers load, screen and decide."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS, TRADE_OFFICERS


class TradeAction(AreaAction):
    """Reading screened lines and detentions, loading and screening, deciding detentions."""

    READ = "trade:read", ANALYSTS
    WRITE = "trade:write", TRADE_OFFICERS
    DECIDE = "trade:decide", TRADE_OFFICERS
