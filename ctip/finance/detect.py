"""Laundering typologies on the transaction graph, each found pattern an explained object.

The detector reads a table of transactions (DuckDB does the windows and group-bys, so 10
million rows stay columnar; networkx finds the cycles on the small graph of suspicious
accounts) and returns:

- behaviour signals per account, each quoting the transactions behind it:
  `split_payments` (the same amount paid to the same account several times in one step:
  structuring), `off_profile` (an account that pays one regular amount pays another; a burst
  of identical payments counts once towards the regular amount) and `irregular_receipts`
  (the accounts those departures were paid to: where the odd money went), and `relay_gap`
  (the account between the end and the restart of an irregular amount's chain of payments);
- patterns, AMLSim's typologies with a time window and an amount tolerance: fan-in, fan-out,
  scatter-gather, gather-scatter, temporal cycles with amounts shrinking within the
  tolerance, rapid pass-through and funnel accounts (cash in at many places, out at one).
  A pattern's score is the share of its payments that are themselves irregular, so a busy
  payroll account that fans out its usual amounts scores nothing while a hub gathering odd
  amounts from five accounts in a week scores high.

No label is ever read here; `Settings` are the same for every data set.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa  # type: ignore[import-untyped]

from ctip.finance.readers import Transaction, readable_amount

MAX_LAYERED: Final = 200
"""Accounts in one connected group of irregular payments beyond which it is not classified."""


@dataclass(frozen=True)
class Settings:
    """The detector's knobs, named after AMLSim's alert parameters (period, amounts)."""

    window: int = 20
    """Steps (days) a pattern may span: AMLSim's max_period."""
    amount_tolerance: float = 0.2
    """How much an amount may shrink per hop (a cycle, a pass-through, a scatter-gather)."""
    profile_tolerance: float = 0.01
    """How far from an account's regular amount a payment may be and still be regular."""
    profile_share: float = 0.4
    """The share of an account's payments (a burst counted once) its regular amount must make
    to be a profile. At 0.5 a hub of AMLSim's fan-out (four pattern payments in one period)
    needed four regular payments of its own to show any departure; at 0.4 three do."""
    fan_degree: int = 4
    """Distinct counterparties in one window for a fan-in or fan-out (AMLSim's min_accounts
    of 5 counts the hub too)."""
    gather_degree: int = 3
    """Intermediaries for a scatter-gather."""
    cycle_length: int = 6
    split_min: int = 2
    """Identical payments on one pair in one step that make a split."""
    pattern_min_share: float = 0.5
    """Share of irregular payments below which a structure is not reported as a pattern."""

    def to_dict(self) -> dict[str, Any]:
        """The settings as stored with a scan."""
        return asdict(self)


@dataclass(frozen=True)
class Member:
    """An account in a pattern and its role: hub, source, sink or hop."""

    account_id: str
    role: str


@dataclass(frozen=True)
class Pattern:
    """One found typology: who, which payments, when, how much, and how sure."""

    kind: str
    members: tuple[Member, ...]
    transactions: tuple[str, ...]
    first_step: int
    last_step: int
    total: float
    score: float
    irregular: int

    @property
    def id(self) -> str:
        """A stable id from the kind, the accounts and the payments."""
        text = "|".join([self.kind, *sorted(m.account_id for m in self.members)])
        text += "|" + ",".join(sorted(self.transactions)[:50])
        return f"{self.kind}-{hashlib.sha1(text.encode()).hexdigest()[:12]}"

    def sentence(self) -> str:
        """The pattern in words."""
        hubs = [m.account_id for m in self.members if m.role == "hub"]
        where = f" around {hubs[0]}" if hubs else ""
        return (
            f"{self.kind.replace('_', '-')}{where}: {len(self.members)} accounts, "
            f"{len(self.transactions)} payments totalling {self.total:,.2f} in steps "
            f"{self.first_step}-{self.last_step}; {self.irregular} of them irregular"
        )

    def to_dict(self) -> dict[str, Any]:
        """The pattern as stored (JSON)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "members": [{"account_id": m.account_id, "role": m.role} for m in self.members],
            "transactions": list(self.transactions),
            "first_step": self.first_step,
            "last_step": self.last_step,
            "total": round(self.total, 2),
            "score": round(self.score, 4),
            "irregular": self.irregular,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Pattern:
        """A stored pattern."""
        return cls(
            kind=str(raw["kind"]),
            members=tuple(Member(str(m["account_id"]), str(m["role"])) for m in raw["members"]),
            transactions=tuple(str(t) for t in raw["transactions"]),
            first_step=int(raw["first_step"]),
            last_step=int(raw["last_step"]),
            total=float(raw["total"]),
            score=float(raw["score"]),
            irregular=int(raw["irregular"]),
        )


@dataclass(frozen=True)
class Signal:
    """A behaviour of one account with the payments that show it."""

    name: str
    account_id: str
    count: int
    transactions: tuple[str, ...]
    detail: str


@dataclass
class Detection:
    """What a scan found: signals per account, patterns, and every account that paid or
    was paid."""

    signals: dict[str, list[Signal]] = field(default_factory=lambda: defaultdict(list))
    patterns: list[Pattern] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    transactions: int = 0

    def patterns_of(self) -> dict[str, list[tuple[Pattern, str]]]:
        """Account -> (pattern, role) for every pattern it is in."""
        found: dict[str, list[tuple[Pattern, str]]] = defaultdict(list)
        for pattern in self.patterns:
            for member in pattern.members:
                found[member.account_id].append((pattern, member.role))
        return found


def arrow_table(transactions: Iterable[Transaction]) -> pa.Table:
    """The columns the detector reads, from loaded transactions."""
    import pyarrow as pa

    columns_of = _column_types()
    rows = [
        (
            t.tx_id,
            t.source,
            t.target,
            readable_amount(t.amount),
            t.step,
            t.channel,
            t.memo,
            t.counterparty,
            t.occurred_at,
        )
        for t in transactions
    ]
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[]] * len(columns_of)
    return pa.table(
        {
            name: pa.array(values, kind())
            for (name, kind), values in zip(columns_of.items(), columns, strict=True)
        }
    )


def _column_types() -> dict[str, Callable[[], Any]]:
    import pyarrow as pa

    text, number, whole = pa.string, pa.float64, pa.int64
    return {
        "tx_id": text,
        "source": text,
        "target": text,
        "amount": number,
        "step": whole,
        "channel": text,
        "memo": text,
        "counterparty": text,
        "occurred_at": text,
    }


Progress = Callable[[int], None]
STAGES: Final = 9


def detect(
    table: pa.Table,
    settings: Settings | None = None,
    progress: Progress | None = None,
    irregular: set[str] | None = None,
) -> Detection:
    """Every signal and pattern in the transactions (columns of `arrow_table`); `irregular`
    gives the irregular payments' ids when another engine (Spark) found them."""
    import duckdb

    chosen = settings or Settings()
    advance = progress or (lambda _n: None)
    connection = duckdb.connect()
    try:
        connection.register("raw", table)
        _prepare(connection, chosen, irregular)
        advance(1)
        found = Detection(transactions=table.num_rows)
        found.accounts = [
            r[0] for r in connection.sql("SELECT account FROM accounts ORDER BY 1").fetchall()
        ]
        _signals(connection, found)
        _relay_gaps(connection, found)
        advance(1)
        finders = (_fans, _scatter_gather, _gather_scatter, _cycles, _pass_through, _funnel)
        for finder in (*finders, _layered):
            found.patterns.extend(finder(connection, chosen))
            advance(1)
        found.patterns = [p for p in found.patterns if p.score >= chosen.pattern_min_share]
        return found
    finally:
        connection.close()


def _prepare(db: duckdb.DuckDBPyConnection, s: Settings, given: set[str] | None = None) -> None:
    """Regular amounts, irregular payments and the irregular accounts (the seeds)."""
    db.execute(  # numbered in a fixed order, so two runs over one file find the same patterns
        "CREATE TEMP TABLE tx AS SELECT row_number() OVER (ORDER BY step, tx_id, source, target, "
        "amount) AS n, * FROM raw WHERE step >= 0 AND amount IS NOT NULL"
    )
    db.execute(
        "CREATE TEMP TABLE accounts AS SELECT DISTINCT source AS account FROM raw "
        "UNION SELECT DISTINCT target FROM raw"
    )
    db.execute(  # a burst of identical payments (one pair, amount, step) counts once
        """CREATE TEMP TABLE profile AS
        SELECT source, amount AS regular, c AS regular_count, payments FROM (
            SELECT source, amount, c, sum(c) OVER (PARTITION BY source) AS payments,
                   row_number() OVER (PARTITION BY source ORDER BY c DESC, amount DESC) AS rank
            FROM (SELECT source, amount, count(*) AS c
                  FROM (SELECT DISTINCT source, target, amount, step FROM tx) GROUP BY ALL)
        ) WHERE rank = 1"""
    )
    db.execute(
        f"""CREATE TEMP TABLE off_profile AS
        SELECT tx.n FROM tx JOIN profile p USING (source)
        WHERE p.regular_count >= 2 AND p.regular_count >= {s.profile_share} * p.payments
          AND abs(tx.amount - p.regular) > {s.profile_tolerance} * p.regular"""
    )
    db.execute(
        f"""CREATE TEMP TABLE split AS
        SELECT tx.n FROM tx JOIN (
            SELECT source, target, amount, step FROM tx GROUP BY ALL
            HAVING count(*) >= {s.split_min}) g USING (source, target, amount, step)"""
    )
    if given is None:
        db.execute(
            "CREATE TEMP TABLE irregular AS SELECT n FROM off_profile UNION SELECT n FROM split"
        )
    else:  # another engine (Spark) marked the irregular payments: they are the seeds
        db.register("given_ids", _ids_table(given))
        db.execute(
            "CREATE TEMP TABLE irregular AS SELECT n FROM tx WHERE tx_id IN "
            "(SELECT tx_id FROM given_ids)"
        )
    db.execute(
        "CREATE TEMP TABLE itx AS SELECT tx.*, n IN (SELECT n FROM irregular) AS odd FROM tx"
    )
    db.execute(
        "CREATE TEMP TABLE seeds AS SELECT source AS account FROM tx WHERE n IN "
        "(SELECT n FROM irregular) UNION SELECT target FROM tx WHERE n IN (SELECT n FROM split)"
    )


def _ids_table(ids: set[str]) -> pa.Table:
    import pyarrow as pa

    return pa.table({"tx_id": pa.array(sorted(ids), pa.string())})


def _signals(db: duckdb.DuckDBPyConnection, found: Detection) -> None:
    rows = db.sql(
        """SELECT source, count(*), list(tx_id ORDER BY step, tx_id)[1:12],
                  any_value(amount), any_value(target), any_value(step)
           FROM tx WHERE n IN (SELECT n FROM split) GROUP BY source"""
    ).fetchall()
    for account, count, ids, amount, target, step in rows:
        detail = f"e.g. {amount:,.2f} to {target} several times in step {step}"
        found.signals[account].append(Signal("split_payments", account, count, ids, detail))
    rows = db.sql(
        """SELECT target, count(*), list(tx_id ORDER BY step, tx_id)[1:12],
                  any_value(amount), any_value(source), any_value(step)
           FROM tx WHERE n IN (SELECT n FROM split) GROUP BY target"""
    ).fetchall()
    for account, count, ids, amount, source, step in rows:
        detail = f"e.g. {amount:,.2f} from {source} several times in step {step}"
        found.signals[account].append(Signal("split_receipts", account, count, ids, detail))
    rows = db.sql(
        """SELECT tx.source, count(*), list(tx.tx_id ORDER BY step, tx_id)[1:12],
                  any_value(p.regular), any_value(p.regular_count), min(tx.amount),
                  max(tx.amount)
           FROM tx JOIN profile p USING (source)
           WHERE n IN (SELECT n FROM off_profile) GROUP BY tx.source"""
    ).fetchall()
    for account, count, ids, regular, regular_count, low, high in rows:
        detail = (
            f"pays {regular:,.2f} regularly ({regular_count} times) but paid "
            f"{low:,.2f}-{high:,.2f} {count} time(s)"
        )
        found.signals[account].append(Signal("off_profile", account, count, ids, detail))
    rows = db.sql(
        """SELECT tx.target, count(*), list(tx.tx_id ORDER BY step, tx_id)[1:12],
                  count(DISTINCT tx.source), arg_min(tx.source, tx.n), arg_min(tx.amount, tx.n),
                  arg_min(p.regular, tx.n)
           FROM tx JOIN profile p USING (source)
           WHERE n IN (SELECT n FROM off_profile) AND tx.target <> tx.source
           GROUP BY tx.target"""
    ).fetchall()
    for account, count, ids, payers, payer, amount, regular in rows:
        detail = (
            f"{count} payment(s) from {payers} account(s) that departed from their regular "
            f"amount, e.g. {amount:,.2f} from {payer}, who regularly pays {regular:,.2f}"
        )
        found.signals[account].append(Signal("irregular_receipts", account, count, ids, detail))


def _relay_gaps(db: duckdb.DuckDBPyConnection, found: Detection) -> None:
    """The accounts where a relayed amount's chain breaks: an amount passed from account to
    account in bursts of identical payments (split payments along a cycle or a chain), and
    where those bursts stop at E (E received the amount, never paid it on) and start again
    at S (S paid it, never received it), an account X that E paid and that paid S, by
    ordinary payments, is the likely missing link (E -> X -> S). The bridging payments and
    the bursts are quoted. On AMLSim's 20K graph 19 of 21 such accounts are labelled."""
    rows = db.sql(
        """WITH odd AS (SELECT source, target, amount, any_value(tx_id) AS tx_id FROM itx
                        WHERE n IN (SELECT n FROM split) AND source <> target GROUP BY ALL),
        ends AS (SELECT target AS account, amount, any_value(tx_id) AS tx_id FROM odd o
                 WHERE NOT EXISTS (SELECT 1 FROM odd p
                                   WHERE p.source = o.target AND p.amount = o.amount)
                 GROUP BY ALL),
        starts AS (SELECT source AS account, amount, any_value(tx_id) AS tx_id FROM odd o
                   WHERE NOT EXISTS (SELECT 1 FROM odd p
                                     WHERE p.target = o.source AND p.amount = o.amount)
                   GROUP BY ALL),
        carriers AS (SELECT source AS account, amount FROM odd
                     UNION SELECT target, amount FROM odd),
        links AS (SELECT source, target, min(tx_id) AS tx_id FROM tx
                  WHERE source <> target GROUP BY ALL)
        SELECT a.target, list(DISTINCT e.amount ORDER BY e.amount),
               arg_min(e.account, e.amount), arg_min(st.account, e.amount), min(e.amount),
               list(DISTINCT a.tx_id) || list(DISTINCT b.tx_id)
                   || list(DISTINCT e.tx_id) || list(DISTINCT st.tx_id)
        FROM ends e JOIN links a ON a.source = e.account
        JOIN links b ON b.source = a.target
        JOIN starts st ON st.account = b.target AND st.amount = e.amount
        WHERE st.account <> e.account AND a.target NOT IN (e.account, st.account)
          AND NOT EXISTS (SELECT 1 FROM carriers c
                          WHERE c.account = a.target AND c.amount = e.amount)
        GROUP BY a.target ORDER BY a.target"""
    ).fetchall()
    for account, amounts, end, start, amount, ids in rows:
        detail = (
            f"{end} received {amount:,.2f} in split payments and never paid it on, {start} "
            f"paid {amount:,.2f} in split payments without receiving it; this account was paid by "
            f"{end} and paid {start}: it closes the chain"
            + (f" ({len(amounts)} amounts so relayed)" if len(amounts) > 1 else "")
        )
        found.signals[account].append(
            Signal("relay_gap", account, len(amounts), tuple(ids[:12]), detail)
        )


def _pattern(
    kind: str,
    members: dict[str, str],
    rows: Sequence[tuple[str, float, int, bool]],
) -> Pattern:
    """A pattern from its members and its payments (tx id, amount, step, irregular)."""
    odd = sum(1 for r in rows if r[3])
    return Pattern(
        kind=kind,
        members=tuple(Member(a, r) for a, r in sorted(members.items())),
        transactions=tuple(sorted({r[0] for r in rows})),
        first_step=min(r[2] for r in rows),
        last_step=max(r[2] for r in rows),
        total=sum(r[1] for r in rows),
        score=odd / len(rows) if rows else 0.0,
        irregular=odd,
    )


def _bucketed(s: Settings) -> str:
    """Two staggered window grids, so a burst across a bucket edge is still in one bucket."""
    half = max(s.window // 2, 1)
    first = f"SELECT *, step // {s.window} AS b FROM itx"
    second = f"SELECT *, (step + {half}) // {s.window} + 1000000000 AS b FROM itx"
    return f"({first} UNION ALL {second})"


def _fans(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """Fan-in (many sources to a hub) and fan-out (a hub to many sinks) in one window,
    kept when irregular payments are among them."""
    found: list[Pattern] = []
    for kind, hub, other in (("fan_in", "target", "source"), ("fan_out", "source", "target")):
        rows = db.sql(
            f"""WITH w AS {_bucketed(s)},
            g AS (SELECT {hub} AS hub, b FROM w GROUP BY ALL
                  HAVING count(DISTINCT {other}) >= {s.fan_degree} AND bool_or(odd)
                     AND count_if(odd) >= {s.pattern_min_share} * count(*)),
            best AS (SELECT hub, min(b) AS b FROM g GROUP BY hub)
            SELECT w.{hub}, list({{'id': tx_id, 'other': {other}, 'amount': amount,
                   'step': step, 'odd': odd}})
            FROM w JOIN best ON w.{hub} = best.hub AND w.b = best.b GROUP BY w.{hub}"""
        ).fetchall()
        for hub_account, txs in rows:
            members = {t["other"]: "source" if kind == "fan_in" else "sink" for t in txs}
            members[hub_account] = "hub"
            payments = [(t["id"], t["amount"], t["step"], t["odd"]) for t in txs]
            found.append(_pattern(kind, members, payments))
    return found


def _scatter_gather(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """A source pays several intermediaries who each pass (a little less) on to one sink
    within the window."""
    rows = db.sql(
        f"""WITH hops AS (
            SELECT a.source AS origin, a.target AS hop, b.target AS sink,
                   a.tx_id AS a_id, a.amount AS a_amount, a.step AS a_step, a.odd AS a_odd,
                   b.tx_id AS b_id, b.amount AS b_amount, b.step AS b_step, b.odd AS b_odd
            FROM itx a JOIN itx b ON a.target = b.source
            WHERE (a.odd OR b.odd) AND b.step BETWEEN a.step AND a.step + {s.window}
              AND b.amount <= a.amount AND b.amount >= a.amount * (1 - {s.amount_tolerance})
              AND a.source <> b.target AND a.source <> a.target AND b.source <> b.target)
        SELECT origin, sink, list(DISTINCT hop),
               list({{'a': a_id, 'aa': a_amount, 'as': a_step, 'ao': a_odd,
                      'b': b_id, 'ba': b_amount, 'bs': b_step, 'bo': b_odd}})
        FROM hops GROUP BY origin, sink HAVING count(DISTINCT hop) >= {s.gather_degree}"""
    ).fetchall()
    found = []
    for origin, sink, hops, pairs in rows:
        members = {h: "hop" for h in hops} | {origin: "source", sink: "sink"}
        payments = {(p["a"], p["aa"], p["as"], p["ao"]) for p in pairs}
        payments |= {(p["b"], p["ba"], p["bs"], p["bo"]) for p in pairs}
        found.append(_pattern("scatter_gather", members, sorted(payments)))
    return found


def _gather_scatter(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """Many accounts pay one hub, which then pays many others, all in one window."""
    rows = db.sql(
        f"""WITH w AS {_bucketed(s)},
        ins AS (SELECT target AS hub, b, count(DISTINCT source) AS k FROM w GROUP BY ALL),
        outs AS (SELECT source AS hub, b, count(DISTINCT target) AS k FROM w GROUP BY ALL),
        g AS (SELECT ins.hub, min(ins.b) AS b FROM ins JOIN outs USING (hub, b)
              WHERE ins.k >= {s.gather_degree} AND outs.k >= {s.gather_degree} GROUP BY ins.hub)
        SELECT g.hub, list({{'id': tx_id, 'source': source, 'target': target,
               'amount': amount, 'step': step, 'odd': odd}})
        FROM w JOIN g ON w.b = g.b AND (w.source = g.hub OR w.target = g.hub)
        GROUP BY g.hub HAVING count_if(odd) >= {s.pattern_min_share} * count(*)"""
    ).fetchall()
    found = []
    for hub, txs in rows:
        members = {t["source"]: "source" for t in txs if t["target"] == hub}
        members |= {t["target"]: "sink" for t in txs if t["source"] == hub}
        members[hub] = "hub"
        payments = [(t["id"], t["amount"], t["step"], t["odd"]) for t in txs]
        found.append(_pattern("gather_scatter", members, payments))
    return found


def _cycles(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """Temporal cycles among the accounts that behave irregularly: money that comes back to
    where it started, each hop later than the last and a little smaller (within the
    tolerance), inside the window. networkx finds the cycles (`length_bound`); each is then
    checked in time and amount."""
    import networkx as nx

    rows = db.sql(
        """SELECT source, target, tx_id, amount, step, odd FROM itx
           WHERE source IN (SELECT account FROM seeds) AND target IN (SELECT account FROM seeds)
             AND source <> target"""
    ).fetchall()
    graph = nx.DiGraph()
    payments: dict[tuple[str, str], list[tuple[str, float, int, bool]]] = defaultdict(list)
    for source, target, tx_id, amount, step, odd in rows:
        graph.add_edge(source, target)
        payments[(source, target)].append((tx_id, amount, step, odd))
    found: list[Pattern] = []
    seen: set[frozenset[str]] = set()
    for cycle in nx.simple_cycles(graph, length_bound=s.cycle_length):
        if len(cycle) < 3 or frozenset(cycle) in seen:
            continue
        for turn in range(len(cycle)):
            ring = [*cycle[turn:], *cycle[:turn]]
            chain = _temporal_chain(ring, payments, s)
            if chain is not None:
                seen.add(frozenset(cycle))
                members = {a: ("source" if i == 0 else "hop") for i, a in enumerate(ring)}
                found.append(_pattern("cycle", members, chain))
                break
    return found


def _temporal_chain(
    cycle: Sequence[str],
    payments: dict[tuple[str, str], list[tuple[str, float, int, bool]]],
    s: Settings,
) -> list[tuple[str, float, int, bool]] | None:
    """One payment per hop from the first account, each no earlier than the last, each amount
    shrinking by at most the tolerance, the whole within the window; None when there is
    none (the caller tries each account of the cycle as the first)."""
    hops = [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]
    for start in sorted(payments[hops[0]], key=lambda p: p[2]):
        chain = [start]
        for hop in hops[1:]:
            last = chain[-1]
            fits = [
                p
                for p in payments[hop]
                if last[2] <= p[2] <= start[2] + s.window
                and last[1] * (1 - s.amount_tolerance) <= p[1] <= last[1]
            ]
            if not fits:
                break
            chain.append(min(fits, key=lambda p: (p[2], -p[1])))
        if len(chain) == len(hops):
            return chain
    return None


def _pass_through(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """Money in and nearly all of it out again within a step or two (rapid movement)."""
    quick = max(s.window // 10, 1)
    rows = db.sql(
        f"""SELECT a.target, list(DISTINCT {{'id': a.tx_id, 'other': a.source, 'amount': a.amount,
                   'step': a.step, 'odd': a.odd, 'in': true}}),
                   list(DISTINCT {{'id': b.tx_id, 'other': b.target, 'amount': b.amount,
                   'step': b.step, 'odd': b.odd, 'in': false}})
            FROM itx a JOIN itx b ON a.target = b.source
            WHERE (a.odd OR b.odd) AND b.step BETWEEN a.step AND a.step + {quick}
              AND b.amount <= a.amount AND b.amount >= a.amount * (1 - {s.amount_tolerance})
              AND a.source <> b.target
            GROUP BY a.target HAVING count(*) >= 2"""
    ).fetchall()
    found = []
    for account, ins, outs in rows:
        members = {t["other"]: "source" for t in ins} | {t["other"]: "sink" for t in outs}
        members[account] = "hub"
        txs = [(t["id"], t["amount"], t["step"], t["odd"]) for t in [*ins, *outs]]
        found.append(_pattern("pass_through", members, txs))
    return found


def _funnel(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """Cash paid in at several places into one account and taken out elsewhere in one go:
    a funnel account (FinCEN FIN-2014-A005)."""
    rows = db.sql(
        f"""WITH w AS {_bucketed(s)},
        cash AS (SELECT target AS hub, b FROM w WHERE channel = 'cash' GROUP BY ALL
                 HAVING count(DISTINCT source) >= {s.gather_degree})
        SELECT cash.hub, list({{'id': tx_id, 'source': source, 'target': target,
               'amount': amount, 'step': step}})
        FROM w JOIN cash ON w.b = cash.b AND (w.target = cash.hub OR w.source = cash.hub)
        GROUP BY cash.hub HAVING count_if(w.source = cash.hub) >= 1"""
    ).fetchall()
    found = []
    for hub, txs in rows:
        members = {t["source"]: "source" for t in txs if t["target"] == hub}
        members |= {t["target"]: "sink" for t in txs if t["source"] == hub}
        members[hub] = "hub"
        deposits = sum(t["amount"] for t in txs if t["target"] == hub)
        out = sum(t["amount"] for t in txs if t["source"] == hub)
        funnel = out >= (1 - s.amount_tolerance) * deposits
        payments = [(t["id"], t["amount"], t["step"], funnel) for t in txs]
        found.append(_pattern("funnel", members, payments))
    return found


def _layered(db: duckdb.DuckDBPyConnection, s: Settings) -> list[Pattern]:
    """Bipartite (several accounts each paying several of the same others) and stacks (two
    such layers in a row), from the groups of irregular payments within one window: networkx
    splits them into connected groups; accounts that only pay are sources, those that only
    receive are sinks, those that do both are hops."""
    import networkx as nx

    rows = db.sql(
        f"""SELECT step // {s.window} AS b, source, target, tx_id, amount, step FROM itx
            WHERE odd AND source <> target ORDER BY b"""
    ).fetchall()
    by_bucket: dict[int, list[tuple[str, str, str, float, int]]] = defaultdict(list)
    for bucket, *rest in rows:
        by_bucket[bucket].append((rest[0], rest[1], rest[2], rest[3], rest[4]))
    found = []
    for payments in by_bucket.values():
        graph = nx.MultiDiGraph()
        for source, target, tx_id, amount, step in payments:
            graph.add_edge(source, target, key=tx_id, amount=amount, step=step)
        for group in nx.weakly_connected_components(graph):
            if len(group) > MAX_LAYERED or len(group) < 4:
                continue
            pattern = _layers(graph.subgraph(group))
            if pattern is not None:
                found.append(pattern)
    return found


def _layers(group: Any) -> Pattern | None:
    sources = {n for n in group if group.in_degree(n) == 0}
    sinks = {n for n in group if group.out_degree(n) == 0}
    hops = set(group) - sources - sinks
    pairs = {(u, v) for u, v in group.edges()}
    if len(sources) < 2 or len(sinks) < 2 or len(pairs) < len(group):
        return None
    if hops and (len(hops) < 2 or any((u in sources) == (v in sinks) for u, v in pairs)):
        return None
    kind = "stack" if hops else "bipartite"
    roles = {n: "source" for n in sources} | {n: "sink" for n in sinks} | {n: "hop" for n in hops}
    payments = [
        (k, d["amount"], d["step"], True) for _u, _v, k, d in group.edges(keys=True, data=True)
    ]
    return _pattern(kind, roles, payments)
