"""The trade area declared once: forced-labour lists, entry screening, supplier tiers and
detentions.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ctip.model.area import (
    Area,
    CommandRef,
    DemoStep,
    FunctionRef,
    HomeTile,
    NavEntry,
    Ref,
    TablesIn,
    TupleRef,
    grants_of,
)
from ctip.trade.access import TradeAction

HERE = Path(__file__).parent
_prepare_tvpra = FunctionRef("ctip.trade.lists.tvpra:prepare_tvpra")


def _tvpra(data: bytes, file_name: str, _list_name: str) -> Any:
    """The DOL goods list names no list of its own in its file: the reader takes the bytes."""
    return _prepare_tvpra(data, file_name)


AREA = Area(
    name="trade",
    title="Trade",
    grants=grants_of(TradeAction),
    routers=(Ref("ctip.trade.api:router"),),
    pages=(Ref("ctip.trade.pages:router"),),
    nav=(
        NavEntry(
            "Trade",
            "/trade",
            TradeAction.READ,
            "Screen import lines for forced labour, see why a line was flagged, trace supplier "
            "tiers and work detentions to release, exclusion or seizure.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={
        "trade": CommandRef("ctip.trade.commands:app", "Forced labour in supply chains.")
    },
    tables=TablesIn("ctip.trade.tables", "ctip.trade.issuances"),
    migrations=HERE / "migrations",
    demo=DemoStep(FunctionRef("ctip.trade.demo_figures:seed_demo_with_history")),
    metrics=TupleRef("ctip.trade.metrics:METRICS"),
    home=(
        HomeTile(
            "detentions due in 5 days or overdue",
            "/trade/detentions",
            TradeAction.DECIDE,
            FunctionRef("ctip.trade.metrics:detentions_due"),
        ),
        HomeTile(
            "flagged lines to review (no detention yet)",
            "/trade?decision=review",
            TradeAction.WRITE,
            FunctionRef("ctip.trade.metrics:lines_to_review"),
        ),
    ),
    list_formats={
        "wro": FunctionRef("ctip.trade.lists.orders:prepare_orders"),
        "uflpa": FunctionRef("ctip.trade.lists.uflpa:prepare_uflpa"),
        "tvpra": _tvpra,
    },
)
