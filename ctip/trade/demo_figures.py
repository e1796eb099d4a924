"""The trade part of the demo world's fiscal-year table: FY2020 and FY2021 detentions, their
outcomes and the Withhold Release Orders issued, as records the figures are computed from.

The source document reports about 1,500 shipments detained in FY2021 (324 in FY2020), 57
seized worth about $485 million ($55 million the year before) and 7 WROs. This module makes
that history as plausible records: entry lines from the goods and makers the orders named,
a screening of each line that explains the flag (the order's rule), a detention per line and
its steps in the detention ledger (opened, notice sent, presented, decided), spread over the
working days of each year, values spread as real shipments are, decided within the 30-day
limit. Most detained lines were released once the importer proved admissibility; the rest
were seized. The WRO records name orders of the kind CBP published those years (demo
records, not an authoritative list).

The history loads as one file through the file-import primitive (one audit row, once per
content: a re-run writes nothing) and goes in as bulk inserts, in a second or two.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.model.calendar import FiscalYear, is_working_day
from ctip.model.explain import Explanation, Feature, Reference, RefKind
from ctip.store.bulk import insert_ignoring_duplicates, insert_rows
from ctip.store.tables import LedgerEventRow
from ctip.trade import demo, detentions
from ctip.trade.entries import EntryLine
from ctip.trade.issuances import WroIssuanceRow
from ctip.trade.lists import WRO_LIST
from ctip.trade.screening import ScreeningPolicy
from ctip.trade.tables import DetentionRow, EntryLineRow, ScreeningRow

SEED = 2021_0001
ACTOR = "demo"
FILE_KIND = "trade_history"


@dataclass(frozen=True)
class YearHistory:
    """What one fiscal year's detention records add up to."""

    year: int
    detained: int
    seized: int
    seized_value: Decimal


YEARS = (
    YearHistory(2020, 324, 14, Decimal("55046210.80")),
    YearHistory(2021, 1497, 57, Decimal("485317620.55")),
)


@dataclass(frozen=True)
class Order:
    """A Withhold Release Order as the demo records it, and the goods it stops."""

    rule: str
    subject: str
    address: str
    country: str
    hts: str
    goods: str
    unit: str
    issued_on: str


ORDERS = (
    Order(
        "WRO-2020-05",
        "Hetian Taida Apparel Co., Ltd.",
        "Hotan, Xinjiang",
        "CN",
        "6110202075",
        "cotton sweaters",
        "DOZ",
        "2019-09-30",
    ),
    Order(
        "WRO-2020-11",
        "Yili Zhuowan Garment Manufacturing Co., Ltd.",
        "Yining, Xinjiang",
        "CN",
        "6109100012",
        "cotton t-shirts",
        "DOZ",
        "2020-06-17",
    ),
    Order(
        "WRO-2020-13",
        "Top Glove Corporation Bhd",
        "Klang, Selangor",
        "MY",
        "4015191010",
        "disposable gloves",
        "DPR",
        "2020-07-15",
    ),
    Order(
        "WRO-2020-14",
        "Fishing vessel Da Wang",
        "Kaohsiung (owner)",
        "TW",
        "0304870000",
        "frozen tuna fillets",
        "KG",
        "2020-08-18",
    ),
    Order(
        "WRO-2020-15",
        "FGV Holdings Berhad",
        "Kuala Lumpur",
        "MY",
        "1511100000",
        "crude palm oil",
        "KG",
        "2020-09-30",
    ),
    Order(
        "WRO-2021-01",
        "Xinjiang Production and Construction Corps",
        "Shihezi, Xinjiang",
        "CN",
        "5205111000",
        "cotton yarn",
        "KG",
        "2020-12-02",
    ),
    Order(
        "WRO-2021-02",
        "Sime Darby Plantation Berhad",
        "Petaling Jaya, Selangor",
        "MY",
        "1511900000",
        "palm oil products",
        "KG",
        "2020-12-30",
    ),
    Order(
        "WRO-2021-03",
        "Xinjiang cotton and tomato producers",
        "Changji, Xinjiang",
        "CN",
        "2002908020",
        "tomato paste",
        "KG",
        "2021-01-13",
    ),
    Order(
        "WRO-2021-04",
        "Fishing vessel Hangton No. 112",
        "Suva (port of call)",
        "FJ",
        "0303440000",
        "frozen bigeye tuna",
        "KG",
        "2021-05-28",
    ),
    Order(
        "WRO-2021-05",
        "Hoshine Silicon Industry Co., Ltd.",
        "Shanshan County, Turpan",
        "CN",
        "8541420010",
        "solar cells",
        "NO",
        "2021-06-24",
    ),
    Order(
        "WRO-2021-06",
        "Bahia Aluminium Smelting SRL (demo)",
        "Santo Domingo",
        "DO",
        "7601103000",
        "aluminium ingots",
        "KG",
        "2021-03-05",
    ),
    Order(
        "WRO-2021-07",
        "Aksu Cotton Weaving Co. (demo)",
        "Aksu, Xinjiang",
        "CN",
        "5208120000",
        "cotton fabric",
        "M2",
        "2021-08-12",
    ),
)
"""Seven orders in FY2021 (October 2020 to September 2021) and five before it."""
IMPORTERS = (
    "Harbor Goods LLC",
    "Midwest Apparel Inc.",
    "SunGrid Energy Corp.",
    "Pacific Foods Co.",
    "Gulf Coast Medical Supply",
    "Lakeshore Home Textiles",
    "Atlas Solar Distribution",
)
PORTS = ("2704", "1001", "5301", "3002", "1303", "2809")
SHIPPERS = ("Evergreen Line", "COSCO Shipping", "Maersk Line", "CMA CGM", "Hapag-Lloyd")


def _days_of(rng: random.Random, year: int, count: int) -> list[date]:
    """Working days of the year up to late August, so a decision lands in the same year."""
    start = FiscalYear(year).start
    days: list[date] = []
    while len(days) < count:
        day = start + timedelta(days=rng.randrange(325))
        if is_working_day(day):
            days.append(day)
    return sorted(days)


def _split_cents(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """`total` split into `parts` shipment values, uneven as consignments are."""
    weights = [rng.lognormvariate(0, 0.8) for _ in range(parts)]
    cents = int(total * 100)
    shares = [int(cents * w / sum(weights)) for w in weights]
    shares[-1] += cents - sum(shares)
    return [Decimal(share) / 100 for share in shares]


def _orders_in_force(day: date) -> list[Order]:
    return [o for o in ORDERS if o.issued_on <= day.isoformat()] or list(ORDERS[:1])


@dataclass(frozen=True)
class Detained:
    """One demo detention with its line and its steps."""

    line: EntryLine
    order: Order
    opened_on: date
    notice_on: date
    presented_on: date
    decided_on: date
    outcome: str


def history(rng: random.Random | None = None) -> list[Detained]:
    """Every demo detention of FY2020 and FY2021 (the same every run)."""
    rng = rng or random.Random(SEED)
    made: list[Detained] = []
    for year in YEARS:
        days = _days_of(rng, year.year, year.detained)
        seized = set(rng.sample(range(year.detained), year.seized))
        seized_values = iter(_split_cents(rng, year.seized_value, year.seized))
        for index, opened in enumerate(days):
            outcome = "seized" if index in seized else "released"
            value = next(seized_values) if index in seized else _ordinary_value(rng)
            made.append(_detained(rng, year.year, index, opened, outcome, value))
    return made


def _ordinary_value(rng: random.Random) -> Decimal:
    """A released shipment's value: most tens of thousands, a few millions."""
    return Decimal(int(min(rng.lognormvariate(11.3, 1.1), 6_000_000) * 100)) / 100


def _detained(
    rng: random.Random, year: int, index: int, opened: date, outcome: str, value: Decimal
) -> Detained:
    order = rng.choice(_orders_in_force(opened))
    arrival = opened - timedelta(days=rng.randrange(1, 6))
    line = EntryLine(
        entry_number=f"HST{year % 100:02d}{index:06d}",
        line_number=1,
        importer=rng.choice(IMPORTERS),
        manufacturer=order.subject,
        manufacturer_address=order.address,
        seller=f"{order.subject.split()[0]} Trading",
        shipper=rng.choice(SHIPPERS),
        country_of_origin=order.country,
        hts_code=order.hts,
        description=order.goods,
        value_usd=value,
        quantity=Decimal(rng.randrange(100, 40_000)),
        unit=order.unit,
        arrival_date=arrival.isoformat(),
        port=rng.choice(PORTS),
    )
    notice = opened + timedelta(days=rng.randrange(1, 4))
    presented = notice + timedelta(days=rng.randrange(1, 4))
    decided = presented + timedelta(days=rng.randrange(4, 29))
    return Detained(line, order, opened, notice, presented, decided, outcome)


def _explanation(order: Order) -> str:
    """Why the line was flagged: the order's goods-and-party rule (as screening states it)."""
    sentence = (
        f"CBP Withhold Release Orders rule {order.rule}: {order.goods} from {order.subject} "
        f"({order.country}, HTS {order.hts[:4]}); withheld under 19 U.S.C. 1307."
    )
    refs = (
        Reference(RefKind.LIST, WRO_LIST, "CBP Withhold Release Orders and Findings"),
        Reference(
            RefKind.RULE,
            order.rule,
            f"{order.goods} from {order.subject}",
            citation="19 U.S.C. 1307; 19 CFR 12.42",
        ),
    )
    feature = Feature("goods_place_rule", 1.0, 1.0, sentence, refs)
    policy = ScreeningPolicy()
    return Explanation("detain", 1.0, (feature,), policy.thresholds, "release").to_json()


def _at(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:{(hour * 7) % 60:02d}:00.000000Z"


def _steps(item: Detained) -> Iterator[tuple[str, date, str, dict[str, Any]]]:
    line = item.line
    opened = {"screening": "detain", "imported_on": line.arrival_date, "cbp_order": True}
    yield "opened", item.opened_on, f"screening: goods under {item.order.rule}", opened
    yield "notice_sent", item.notice_on, "CBP Form 4647 sent", {}
    yield "presented", item.presented_on, "goods presented for examination", {}
    why = (
        "importer's proof of admissibility accepted"
        if item.outcome == "released"
        else "goods made with forced labour: seized for forfeiture (19 U.S.C. 1595a(c))"
    )
    yield "decided", item.decided_on, why, {"outcome": item.outcome, "correction": False}


def _rows(items: list[Detained], file_id: int) -> dict[type, list[dict[str, Any]]]:
    lines, screenings, held, events = [], [], [], []
    explained = {order.rule: _explanation(order) for order in ORDERS}
    for item in items:
        line = item.line
        fields = {
            k: str(v) if isinstance(v, Decimal) else v
            for k, v in vars(line).items()
            if k != "not_read"  # a demo line has every value read; the store keeps none as written
        }
        lines.append({**fields, "line_sha256": line.sha256(), "file_id": file_id})
        screenings.append(
            {
                "entry_number": line.entry_number,
                "line_number": line.line_number,
                "decision": "detain",
                "score": "1.0000",
                "features": explained[item.order.rule],
                "engine": "local",
                "screened_at": _at(item.opened_on, 9),
                "screened_by": ACTOR,
                "list_editions": "[]",
            }
        )
        det_id = detentions.detention_id(line.entry_number, line.line_number)
        held.append(
            {
                "id": det_id,
                "entry_number": line.entry_number,
                "line_number": line.line_number,
                "value_usd": str(line.value_usd),
                "opened_on": item.opened_on.isoformat(),
                "opened_at": _at(item.opened_on, 10),
                "opened_by": ACTOR,
            }
        )
        for seq, (kind, day, reason, detail) in enumerate(_steps(item), start=1):
            payload = json.dumps({"detail": detail, "occurred_on": day.isoformat()}, sort_keys=True)
            events.append(
                {
                    "stream_kind": detentions.STREAM_KIND,
                    "stream_id": det_id,
                    "seq": seq,
                    "kind": kind,
                    "actor": ACTOR,
                    "at": _at(day, 10 + seq),
                    "reason": reason,
                    "payload": payload,
                }
            )
    return {
        EntryLineRow: lines,
        ScreeningRow: screenings,
        DetentionRow: held,
        LedgerEventRow: events,
    }


def _issuance_rows() -> list[dict[str, Any]]:
    return [
        {
            "kind": "wro",
            "subject": o.subject,
            "goods": o.goods,
            "country": o.country,
            "issued_on": o.issued_on,
            "notice": f"demo record modelled on CBP's published order ({o.rule})",
            "recorded_by": ACTOR,
            "recorded_at": _at(date.fromisoformat(o.issued_on), 16),
        }
        for o in ORDERS
    ]


def _content(items: list[Detained]) -> bytes:
    """The history as the bytes the import is known by (its hash makes a re-run a no-op)."""
    body = [
        [
            d.line.entry_number,
            str(d.line.value_usd),
            d.order.rule,
            d.opened_on.isoformat(),
            d.decided_on.isoformat(),
            d.outcome,
        ]
        for d in items
    ]
    return json.dumps({"orders": [vars(o) for o in ORDERS], "detentions": body}).encode()


def _write(target: FileWrite, items: list[Detained]) -> Counts:
    rows = _rows(items, target.file_id)
    for model in (EntryLineRow, ScreeningRow, DetentionRow, LedgerEventRow):
        insert_rows(target.session, model, rows[model])
        target.progress(len(rows[model]))
    insert_ignoring_duplicates(target.session, WroIssuanceRow, _issuance_rows())
    seized = sum(1 for item in items if item.outcome == "seized")
    return {"detentions": len(items), "seized": seized, "wro_issuances": len(ORDERS)}


def seed_history(session: Session) -> str:
    """Load the FY2020-FY2021 history once; say what it holds."""
    items = history()
    incoming = IncomingFile.of(
        _content(items),
        "demo-trade-history-fy2020-fy2021.json",
        kind=FILE_KIND,
        actor=ACTOR,
        action="trade.history.load",
    )
    outcome = import_file(session, incoming, lambda: items, _write)
    return f"{outcome.count('detentions')} past detentions, {len(ORDERS)} WRO records"


def seed_demo_with_history(session: Session) -> str:
    """The trade demo step: today's queue first (its detentions are picked from the riskiest
    screened lines, which the history's lines would otherwise crowd out), then the history."""
    today = demo.seed_demo(session)
    return f"{today}; {seed_history(session)}"
