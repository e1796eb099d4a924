"""The trade part of the demo world: a few hundred import lines, screened, some detained.

Deterministic (a fixed random seed, fixed entry numbers and dates) and idempotent: the
same bytes load as the same file, screening runs only for lines never screened, and a
detention's steps are written only when it is first opened. Planted among ordinary lines:
parties from the UFLPA Entity List (with the spellings importers really write), factories
in Xinjiang in Chinese and Latin script, TVPRA goods from listed countries, and a clean
manufacturer whose tier-3 supplier is listed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.demo.world import demo_username
from ctip.lists import governance
from ctip.lists.store import save_edition
from ctip.model.roles import Role
from ctip.trade import detentions, entries, service, tiers
from ctip.trade.entries import EntryLine
from ctip.trade.lists import UFLPA_LIST
from ctip.trade.lists.uflpa import prepare_uflpa, sample_bytes
from ctip.trade.tables import DetentionRow, ScreeningRow

DEMO_ACTOR = "demo"
DEMO_SUPERVISOR = demo_username(Role.SUPERVISOR)
STAGE_AGE = {
    "opened": 1,
    "presented": 6,
    "documents": 12,
    "released": 20,
    "excluded": 25,
    "seized": 30,
    "overdue": 40,
}
"""How many days ago a demo detention at each stage was opened."""
SEED = 20211001
LINES = 300
IMPORTERS = (
    "Harbor Goods LLC",
    "Midwest Apparel Inc.",
    "SunGrid Energy Corp.",
    "Pacific Foods Co.",
)
CLEAN_MAKERS = (
    ("Saigon Knitwear JSC", "Binh Duong, Vietnam", "VN"),
    ("Penang Glove Sdn Bhd", "Bayan Lepas, Penang", "MY"),
    ("Dhaka Denim Ltd", "Gazipur, Dhaka", "BD"),
    ("Monterrey Steel SA de CV", "Monterrey, Nuevo Leon", "MX"),
    ("Shenzhen Bright Toys Co., Ltd.", "Longgang District, Shenzhen", "CN"),
    ("Ningbo Solar Technology Co., Ltd.", "Beilun, Ningbo, Zhejiang", "CN"),
    ("Izmir Cotton Textiles AS", "Izmir", "TR"),
)
GOODS = (
    ("6109100012", "cotton t-shirts", "DOZ"),
    ("5205111000", "cotton yarn", "KG"),
    ("8541420010", "solar cells", "NO"),
    ("2002908020", "tomato paste", "KG"),
    ("4015191010", "nitrile gloves", "DPR"),
    ("9503000073", "toys", "NO"),
    ("7601103000", "aluminium ingots", "KG"),
    ("0304870000", "frozen tuna fillets", "KG"),
)
XUAR_MAKERS = (
    ("Kashgar Golden Cotton Spinning Co.", "喀什地区疏附县工业园", "CN"),
    ("Tianshan Tomato Products Co., Ltd.", "No. 18 Beijing Rd, Urumqi, Xinjiang", "CN"),
    ("新疆棉纺织有限公司", "新疆阿克苏市", "CN"),
)
TIER_CHAIN = (
    (
        "Ningbo Solar Technology Co., Ltd.",
        "Jiangsu Wafer Works Co.",
        "silicon wafers",
        "CN",
        "Wuxi",
    ),
    (
        "Jiangsu Wafer Works Co.",
        "Hoshine Silicon Industry (Shanshan) Co. Ltd.",
        "polysilicon",
        "CN",
        "Shanshan, Turpan",
    ),
)


def _listed_names(session: Session) -> list[str]:
    """Names of listed parties to plant (the shipped UFLPA excerpt), spelt as importers write."""
    names: list[str] = []
    for entry in service.watchlist_entries(session):
        if entry.list_name == "uflpa":
            names.append(
                entry.name.upper()
                if len(names) % 2
                else entry.name.replace("Co., Ltd.", "Company Limited")
            )
    return names[:6]


def _load_lists(session: Session) -> None:
    """The shipped UFLPA excerpt as one edition (the same bytes load once: idempotent),
    approved by the demo supervisor (four eyes: the loader may not approve it)."""
    prepared = prepare_uflpa(sample_bytes(), "uflpa_sample.csv", UFLPA_LIST)
    loaded = save_edition(session, UFLPA_LIST, prepared, DEMO_ACTOR, "sample", "uflpa")
    pending = [
        r for r in governance.reviews(session, UFLPA_LIST) if r.status is governance.Review.PENDING
    ]
    if any(r.edition == loaded.edition for r in pending):
        why = "demo: the shipped UFLPA excerpt, checked against the published Entity List"
        governance.approve(session, UFLPA_LIST, loaded.edition, DEMO_SUPERVISOR, why)


def demo_lines(listed: list[str]) -> list[EntryLine]:
    """The demo's entry lines: ordinary trade with planted risks (same every run)."""
    rng = random.Random(SEED)
    lines = []
    for index in range(LINES):
        maker, address, country = _maker(rng, index, listed)
        hts, description, unit = rng.choice(GOODS)
        arrival = date(2025, 10, 1) + timedelta(days=rng.randrange(0, 300))
        lines.append(
            EntryLine(
                entry_number=f"DMO{7000000 + index // 3:07d}{index % 10}",
                line_number=index % 3 + 1,
                importer=rng.choice(IMPORTERS),
                manufacturer=maker,
                manufacturer_address=address,
                seller=f"{maker.split()[0]} Trading",
                shipper=rng.choice(("Evergreen Line", "COSCO Shipping", "Maersk Line")),
                country_of_origin=country,
                hts_code=hts,
                description=description,
                value_usd=Decimal(rng.randrange(2_000_00, 900_000_00)) / 100,
                quantity=Decimal(rng.randrange(10, 20_000)),
                unit=unit,
                arrival_date=arrival.isoformat(),
                port=rng.choice(("2704", "1001", "5301", "3002")),
            )
        )
    return lines


def _maker(rng: random.Random, index: int, listed: list[str]) -> tuple[str, str, str]:
    if listed and index % 23 == 5:
        return listed[index % len(listed)], "Shanshan County, Turpan", "CN"
    if index % 29 == 7:
        return XUAR_MAKERS[index % len(XUAR_MAKERS)]
    return CLEAN_MAKERS[rng.randrange(len(CLEAN_MAKERS))]


def _supplier_csv() -> bytes:
    rows = ["buyer,supplier,material,supplier_country,supplier_address"]
    rows += [f'"{b}","{s}",{m},{c},"{a}"' for b, s, m, c, a in TIER_CHAIN]
    return ("\n".join(rows) + "\n").encode()


def _screen(session: Session, lines: list[EntryLine]) -> None:
    """Screen the demo lines once (a rerun of the demo does not add screenings)."""
    if session.execute(select(func.count()).select_from(ScreeningRow)).scalar():
        return
    screener = service.build_screener(session)
    decisions = service.screen_lines(lines, screener)
    service.record_screenings(session, decisions, DEMO_ACTOR, "local", screener.editions)


def _detain(session: Session, today: date) -> int:
    """Detentions at every stage: just opened, presented, documents in, decided three ways."""
    flagged = service.screened_lines(session, "detain", 12)
    stages = ("opened", "presented", "documents", "released", "excluded", "seized", "overdue")
    opened = 0
    for stage, screened in zip(stages * 2, flagged, strict=False):
        line = screened.line
        det_id = detentions.detention_id(line.entry_number, line.line_number)
        if session.get(DetentionRow, det_id) is not None:
            continue
        start = today - timedelta(days=STAGE_AGE[stage])
        detentions.open_detention(
            session,
            line.entry_number,
            line.line_number,
            DEMO_ACTOR,
            "screening: " + screened.features[0]["name"],
            start,
        )
        _advance(session, det_id, stage, start)
        opened += 1
    return opened


def _advance(session: Session, det_id: str, stage: str, start: date) -> None:
    if stage == "opened":
        return
    step = detentions.record_step
    step(
        session, det_id, "notice_sent", DEMO_ACTOR, "CBP Form 4647 sent", start + timedelta(days=2)
    )
    step(
        session,
        det_id,
        "presented",
        DEMO_ACTOR,
        "goods presented for examination",
        start + timedelta(days=3),
    )
    if stage in ("presented", "overdue"):
        return
    step(
        session,
        det_id,
        "submission",
        DEMO_ACTOR,
        "importer's admissibility submission",
        start + timedelta(days=6),
        {"summary": "supply-chain tracing to raw cotton"},
    )
    step(
        session,
        det_id,
        "document",
        DEMO_ACTOR,
        "received",
        start + timedelta(days=6),
        {"title": "Bill of materials", "dated": (start + timedelta(days=5)).isoformat()},
    )
    if stage in ("released", "excluded", "seized"):
        detentions.decide(
            session,
            det_id,
            stage,
            DEMO_ACTOR,
            f"demo: {stage} after review",
            start + timedelta(days=9),
        )


def seed_demo(session: Session) -> str:
    """Load lists, lines and supplier tiers, screen, and open detentions; say what is there."""
    _load_lists(session)
    lines = demo_lines(_listed_names(session))
    entries.load_entry_lines(
        session, entries.write_csv(lines).encode(), "demo-entries.csv", DEMO_ACTOR
    )
    tiers.load_suppliers(session, _supplier_csv(), "demo-suppliers.csv", DEMO_ACTOR)
    _screen(session, lines)
    _detain(session, date.today())
    screened = service.screened_lines(session, None, 10_000)
    flagged = sum(1 for s in screened if s.decision != "release")
    queue = detentions.list_detentions(session, open_only=False)
    return f"{len(lines)} entry lines, {flagged} flagged, {len(queue)} detentions"
