"""The trade services the CLI, the API and the pages share: build a screener, screen, store.

A screener is built from what the store holds: the approved edition in effect of every
official list (`ctip.lists.governance`), the lists the person screening chose, their goods
x place rules, and the supplier declarations (for tier exposure). A private watchlist is
read only when its user chooses it, so it never changes anyone else's decisions; each stored
screening names the editions it read. The lists area is reached only through its published
functions; with no list approved the trade area still screens regions, goods and tiers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Float, Numeric, case, cast, func, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.lists.governance import EditionUsed, screening_editions
from ctip.lists.readers import GoodsRule
from ctip.lists.store import goods_rules, list_entries, list_summaries
from ctip.matching.types import ListEntry
from ctip.model.csvsafe import safe_row
from ctip.model.errors import InvalidInput
from ctip.model.explain import Explanation, Feature
from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField
from ctip.trade import tiers
from ctip.trade.entries import EntryLine, get_line, line_of
from ctip.trade.lists import TVPRA_LIST
from ctip.trade.lists.tvpra import tvpra_listings
from ctip.trade.screening import (
    Decision,
    LineDecision,
    PlaceRule,
    Screener,
    ScreeningPolicy,
    TvpraRule,
    stored_explanation,
)
from ctip.trade.tables import EntryLineRow, ScreeningRow

Engine = Literal["local", "spark"]
ENGINES: tuple[str, ...] = ("local", "spark")
DECISION_COLUMNS = (
    "entry_number",
    "line_number",
    "decision",
    "score",
    "features",
    "explanation",
)
Progress = Callable[[int], None]


def loaded_lists(session: Session) -> list[tuple[str, str]]:
    """(list name, kind) of every loaded list."""
    return [(s.list_name, s.kind) for s in list_summaries(session)]


def watchlist_entries(
    session: Session, editions: Sequence[EditionUsed] | None = None
) -> list[ListEntry]:
    """Every entry of the editions screening reads (default: the official lists in effect)."""
    used = screening_editions(session) if editions is None else editions
    return [e for x in used for e in list_entries(session, x.list_name, x.edition)]


def place_rules(session: Session, editions: Sequence[EditionUsed] | None = None) -> list[PlaceRule]:
    """The goods x place rules of the editions screening reads."""
    used = screening_editions(session) if editions is None else editions
    return [
        _place_rule(x.list_name, x.kind, rule)
        for x in used
        if x.list_name != TVPRA_LIST  # the TVPRA list is screened by its own goods rule
        for rule in goods_rules(session, x.list_name, x.edition)
    ]


def _place_rule(list_name: str, kind: str, rule: GoodsRule) -> PlaceRule:
    return PlaceRule(
        list_name=list_name,
        kind=kind,
        rule_id=str(rule.rule_id),
        goods=str(rule.goods),
        country=str(rule.country or ""),
        place=str(rule.place or ""),
        hts_headings=tuple(rule.hts_headings),
        labour=tuple(rule.labour),
        basis=str(rule.basis or ""),
    )


def tvpra_rule(session: Session, editions: Sequence[EditionUsed] | None = None) -> TvpraRule:
    """The TVPRA goods rule over the TVPRA edition in effect (empty if none is approved)."""
    used = screening_editions(session) if editions is None else editions
    tvpra = next((x for x in used if x.list_name == TVPRA_LIST), None)
    if tvpra is None:
        return TvpraRule(())
    return TvpraRule(tuple(tvpra_listings(session, TVPRA_LIST, tvpra.edition)))


def build_screener(
    session: Session,
    policy: ScreeningPolicy | None = None,
    chosen: Sequence[str] = (),
    **rules: Any,
) -> Screener:
    """A screener over the approved editions of the official lists, the lists the person
    chose, their rules and the supplier tiers; it names the editions it read."""
    used = screening_editions(session, chosen)
    rules.setdefault("goods_rule", tvpra_rule(session, used))
    entries = watchlist_entries(session, used)
    graph = tiers.supply_graph(tiers.stored_links(session))
    plain = Screener(entries, policy=policy, **rules)
    exposures = tiers.exposures(graph, plain)
    editions = tuple(x.to_dict() for x in used)
    return Screener(
        entries,
        exposures,
        policy,
        place_rules=place_rules(session, used),
        editions=editions,
        **rules,
    )


def screen_lines(
    lines: Sequence[EntryLine],
    screener: Screener,
    engine: str = "local",
    progress: Progress | None = None,
) -> list[LineDecision]:
    """Decide every line on the chosen engine; both engines run `Screener.screen`."""
    if engine == "spark":
        from ctip.trade.spark import screen_on_spark

        decisions = screen_on_spark(lines, screener)
        if progress:
            progress(len(lines))
        return decisions
    if engine != "local":
        raise InvalidInput(f"engine {engine!r}: choose one of {', '.join(ENGINES)}")
    decisions = []
    for line in lines:
        decisions.append(screener.screen(line))
        if progress:
            progress(1)
    return decisions


def record_screenings(
    session: Session,
    decisions: Iterable[LineDecision],
    actor: str,
    engine: str,
    editions: Sequence[dict[str, Any]] = (),
) -> int:
    """Store each decision with its features and the list editions it read (a screener's
    `editions`), so it can be replayed; a new screening never overwrites an old one."""
    now, count = utc_now(), 0
    used = json.dumps(list(editions), sort_keys=True, ensure_ascii=False)
    counts = {d.value: 0 for d in Decision}
    for decision in decisions:
        session.add(
            ScreeningRow(
                entry_number=decision.entry_number,
                line_number=decision.line_number,
                decision=decision.decision.value,
                score=f"{decision.score:.4f}",
                features=decision.explained().to_json(),
                engine=engine,
                screened_at=now,
                screened_by=actor,
                list_editions=used,
            )
        )
        counts[decision.decision.value] += 1
        count += 1
    detail = {
        "engine": engine,
        **counts,
        "lists": [f"{e['list']}/{e['edition']}" for e in editions],
    }
    audit.record(session, actor, "trade.screen", "trade_screenings", detail)
    return count


def feature_fields(feature: Feature) -> dict[str, Any]:
    """A feature as JSON fields: the shared form (sentence, references, supports) and, for
    the tools that read the earlier form, its sentence again as `evidence`."""
    return {**feature.to_dict(), "evidence": feature.sentence}


def features_json(features: Iterable[Feature]) -> str:
    """Features as a JSON list (name, value, weight, sentence, references, evidence)."""
    return json.dumps([feature_fields(f) for f in features], ensure_ascii=False)


def decisions_csv(decisions: Iterable[LineDecision]) -> str:
    """Decisions as CSV: one row per line with its features as JSON and as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DECISION_COLUMNS)
    for d in decisions:
        row = (d.entry_number, d.line_number, d.decision.value, f"{d.score:.4f}")
        writer.writerow(safe_row((*row, features_json(d.features), d.explanation())))
    return out.getvalue()


@dataclass(frozen=True)
class ScreenedLine:
    """A stored line with its latest screening, for the workbench and the API."""

    line: EntryLine
    decision: str
    score: float
    features: tuple[dict[str, Any], ...]
    screened_at: str
    screened_by: str
    engine: str
    explanation: Explanation
    list_editions: tuple[dict[str, Any], ...] = ()


def _latest_ids(session: Session) -> Any:
    return (
        select(func.max(ScreeningRow.id))
        .group_by(ScreeningRow.entry_number, ScreeningRow.line_number)
        .scalar_subquery()
    )


def screened_lines(
    session: Session, decision: str | None = None, limit: int = 500
) -> list[ScreenedLine]:
    """Latest screening of each line, riskiest first (detain, then review, then release)."""
    query = (
        select(ScreeningRow, EntryLineRow)
        .join(
            EntryLineRow,
            (EntryLineRow.entry_number == ScreeningRow.entry_number)
            & (EntryLineRow.line_number == ScreeningRow.line_number),
        )
        .where(ScreeningRow.id.in_(_latest_ids(session)))
    )
    if decision:
        query = query.where(ScreeningRow.decision == decision)
    rows = session.execute(query).all()
    lines = [_screened(s, line_of(e)) for s, e in rows]
    lines.sort(key=lambda s: (-s.score, s.line.entry_number, s.line.line_number))
    return lines[:limit]


def screened_listing() -> Listing[ScreenedLine]:
    """The latest screening of each line for the workbench's table: paged, sorted and
    filtered in SQL, riskiest first unless the person sorts otherwise."""
    statement = (
        select(ScreeningRow, EntryLineRow)
        .join(
            EntryLineRow,
            (EntryLineRow.entry_number == ScreeningRow.entry_number)
            & (EntryLineRow.line_number == ScreeningRow.line_number),
        )
        .where(ScreeningRow.id.in_(_latest_ids_query()))
    )
    risk = case(
        (ScreeningRow.decision == "detain", 0), (ScreeningRow.decision == "review", 1), else_=2
    )
    fields = {
        "line": ListingField(
            EntryLineRow.entry_number,
            searched=True,
            order=(EntryLineRow.entry_number, EntryLineRow.line_number),
        ),
        "decision": ListingField(ScreeningRow.decision, match="equals", order=risk),
        "score": ListingField(cast(ScreeningRow.score, Float)),
        "manufacturer": ListingField(EntryLineRow.manufacturer, searched=True),
        "importer": ListingField(EntryLineRow.importer, searched=True),
        "origin": ListingField(EntryLineRow.country_of_origin, match="contains"),
        "hts": ListingField(EntryLineRow.hts_code, match="contains", searched=True),
        "value": ListingField(cast(func.nullif(EntryLineRow.value_usd, ""), Numeric(18, 2))),
        "arrival": ListingField(EntryLineRow.arrival_date),
    }
    return Listing(
        statement,
        fields,
        lambda row: _screened(row[0], line_of(row[1])),
        (EntryLineRow.entry_number, EntryLineRow.line_number),
    )


def _latest_ids_query() -> Any:
    return (
        select(func.max(ScreeningRow.id))
        .group_by(ScreeningRow.entry_number, ScreeningRow.line_number)
        .scalar_subquery()
    )


def _screened(row: ScreeningRow, line: EntryLine) -> ScreenedLine:
    """A stored screening, written now (an explanation) or before (a feature list)."""
    explanation = stored_explanation(row.features, row.decision, float(row.score))
    return ScreenedLine(
        line,
        row.decision,
        float(row.score),
        tuple(feature_fields(f) for f in explanation.features),
        row.screened_at,
        row.screened_by,
        row.engine,
        explanation,
        tuple(json.loads(row.list_editions or "[]")),
    )


def screened_line(session: Session, entry_number: str, line_number: int) -> ScreenedLine | None:
    """One line with its latest screening (None when the line is not stored or not screened)."""
    line = get_line(session, entry_number, line_number)
    if line is None:
        return None
    query = (
        select(ScreeningRow)
        .where(ScreeningRow.entry_number == entry_number, ScreeningRow.line_number == line_number)
        .order_by(ScreeningRow.id.desc())
        .limit(1)
    )
    row = session.execute(query).scalar_one_or_none()
    return _screened(row, line) if row is not None else None
