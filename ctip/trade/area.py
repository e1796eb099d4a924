"""The trade area declared once: forced-labour lists, entry screening, supplier tiers and
detentions."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import Area, DemoStep, HomeTile, NavEntry, grants_of
from ctip.store.tables import tables_in
from ctip.trade import api, commands, demo_figures, issuances, metrics, pages, tables
from ctip.trade.access import TradeAction
from ctip.trade.lists.orders import prepare_orders
from ctip.trade.lists.tvpra import prepare_tvpra
from ctip.trade.lists.uflpa import prepare_uflpa

HERE = Path(__file__).parent

AREA = Area(
    name="trade",
    title="Trade",
    grants=grants_of(TradeAction),
    routers=(api.router,),
    pages=(pages.router,),
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
    command_groups={"trade": commands.app},
    tables=(*tables_in(tables), *tables_in(issuances)),
    migrations=HERE / "migrations",
    demo=DemoStep(demo_figures.seed_demo_with_history),
    metrics=metrics.METRICS,
    home=(
        HomeTile(
            "detentions due in 5 days or overdue",
            "/trade/detentions",
            TradeAction.DECIDE,
            metrics.detentions_due,
        ),
        HomeTile(
            "flagged lines to review (no detention yet)",
            "/trade?decision=review",
            TradeAction.WRITE,
            metrics.lines_to_review,
        ),
    ),
    list_formats={
        "wro": prepare_orders,
        "uflpa": prepare_uflpa,
        "tvpra": lambda data, file_name, _list: prepare_tvpra(data, file_name),
    },
)
