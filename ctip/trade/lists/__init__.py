"""The forced-labour lists a trade analyst screens against.

CBP Withhold Release Orders and Findings (`wro`, `orders`), the UFLPA Entity List (`uflpa`),
the DOL TVPRA goods list with its HTS mapping (`tvpra`), and the UFLPA high-priority sectors
(`sectors`). Each loads as an edition of a watchlist (`ctip.lists.store`), so screening
reads them all through `list_entries` and the goods x place rules through `goods_rules`.
"""

WRO_LIST = "cbp-wro"
UFLPA_LIST = "uflpa"
TVPRA_LIST = "dol-tvpra"
