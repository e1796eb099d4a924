"""The FinCEN red-flag pack (`finance_red_flags.yaml`) applied to accounts' transactions.

The ad indicator engine scores one text; a financial red flag is a count over an account's
payments (how many, to how many others, at what hours), so the pack is compiled here into
one DuckDB query per rule. Every hit quotes the payments that fired it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

from ctip.finance.scoring import RedFlagHit
from ctip.indicators.engine import PACKS_DIR
from ctip.model.errors import InvalidInput

if TYPE_CHECKING:
    import pyarrow as pa  # type: ignore[import-untyped]

PACK: Final = PACKS_DIR / "finance_red_flags.yaml"
MAX_QUOTED: Final = 12
DIRECTIONS: Final = ("out", "in", "any")


@dataclass(frozen=True)
class RedFlagRule:
    """One red flag as declared in the pack."""

    id: str
    title: str
    weight: float
    source: str
    explanation: str
    direction: str = "out"
    text: tuple[str, ...] = ()
    without_text: str = ""
    channel: str = ""
    hours_outside: tuple[int, int] | None = None
    amount_between: tuple[float, float] | None = None
    min_count: int = 1
    min_counterparties: int = 1


@cache
def load_pack(path: Path = PACK) -> tuple[RedFlagRule, ...]:
    """The rules of the pack; a malformed rule is refused with its id."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_rule(entry) for entry in raw.get("rules", []))


def _rule(entry: dict[str, Any]) -> RedFlagRule:
    try:
        direction = str(entry.get("direction", "out"))
        if direction not in DIRECTIONS:
            raise ValueError(f"direction {direction!r}")
        texts = tuple(str(t) for t in entry.get("text", []))
        for pattern in (*texts, str(entry.get("without_text", ""))):
            re.compile(pattern)
        hours = entry.get("hours_outside")
        amounts = entry.get("amount_between")
        return RedFlagRule(
            id=str(entry["id"]),
            title=str(entry["title"]),
            weight=float(entry["weight"]),
            source=" ".join(str(entry["source"]["citation"]).split()),
            explanation=" ".join(str(entry["explanation"]).split()),
            direction=direction,
            text=texts,
            without_text=str(entry.get("without_text", "")),
            channel=str(entry.get("channel", "")),
            hours_outside=(int(hours[0]), int(hours[1])) if hours else None,
            amount_between=(float(amounts[0]), float(amounts[1])) if amounts else None,
            min_count=int(entry.get("min_count", 1)),
            min_counterparties=int(entry.get("min_counterparties", 1)),
        )
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise InvalidInput(f"red flag {entry.get('id', '?')!r}: {error}") from None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _where(rule: RedFlagRule) -> tuple[str, list[Any]]:
    """The rule's test of one payment, as SQL over `flat` (one row per account side)."""
    clauses, params = ["TRUE"], []
    if rule.direction != "any":
        clauses.append(f"direction = {_quote(rule.direction)}")
    if rule.channel:
        clauses.append(f"channel = {_quote(rule.channel)}")
    if rule.text:
        clauses.append("regexp_matches(words, ?)")
        params.append("|".join(f"(?:{t})" for t in rule.text))
    if rule.without_text:
        clauses.append("NOT regexp_matches(words, ?)")
        params.append(rule.without_text)
    if rule.amount_between:
        clauses.append(f"amount BETWEEN {rule.amount_between[0]} AND {rule.amount_between[1]}")
    if rule.hours_outside:
        low, high = rule.hours_outside
        clauses.append(f"hour IS NOT NULL AND (hour < {low} OR hour >= {high})")
    return " AND ".join(clauses), params


def evaluate(
    table: pa.Table, rules: tuple[RedFlagRule, ...] | None = None
) -> dict[str, list[RedFlagHit]]:
    """Account -> the red flags it raised, each quoting its payments."""
    import duckdb

    chosen = rules if rules is not None else load_pack()
    hits: dict[str, list[RedFlagHit]] = defaultdict(list)
    db = duckdb.connect()
    try:
        db.register("raw", table)
        db.execute(
            """CREATE TEMP TABLE flat AS
            WITH t AS (SELECT *, lower(coalesce(memo, '') || ' ' || coalesce(counterparty, ''))
                       AS words, try_cast(substr(occurred_at, 12, 2) AS INTEGER) AS hour
                       FROM raw)
            SELECT source AS account, target AS other, 'out' AS direction, * FROM t
            UNION ALL SELECT target, source, 'in', * FROM t"""
        )
        for rule in chosen:
            where, params = _where(rule)
            rows = db.execute(
                f"""SELECT account, list(tx_id ORDER BY step, tx_id)[1:{MAX_QUOTED}], count(*),
                           count(DISTINCT other) FROM flat WHERE {where} GROUP BY account
                    HAVING count(*) >= {rule.min_count}
                       AND count(DISTINCT other) >= {rule.min_counterparties}""",
                params,
            ).fetchall()
            for account, ids, count, others in rows:
                detail = f"{count} payment(s) with {others} other account(s)"
                hits[account].append(
                    RedFlagHit(rule.id, rule.title, rule.weight, rule.source, tuple(ids), detail)
                )
    finally:
        db.close()
    return hits
