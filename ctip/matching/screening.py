"""Screening plain names against a list: read the queries, screen, write the hits.

The service the `ctip screen` command and the `POST /api/v1/screen` endpoint share. A
query file is validated whole before anything is screened: every bad row is reported
with its line number and reason, and a file with any bad row screens nothing (an
analyst must not take "no hits" from a file half read).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from followthemoney.types import registry

from ctip.ingest.errors import FileRejected, RowError
from ctip.matching import warm
from ctip.matching.index import screen
from ctip.matching.scoring import DEFAULT_THRESHOLD
from ctip.matching.types import ListEntry, MatchQuery, MatchResult
from ctip.model.csvsafe import safe_text
from ctip.model.errors import InvalidInput

SCHEMAS: Final = frozenset({"Person", "Company", "Organization", "LegalEntity", "Vessel"})
REQUIRED_COLUMNS: Final = ("id", "name")
OPTIONAL_COLUMNS: Final = ("schema", "country", "birth_date", "address", "identifiers")
OUTPUT_COLUMNS: Final = ("query_id", "entity_id", "score", "match", "explanation")
MAX_NAME: Final = 500
NEAR_MISS_SHARE: Final = 0.8  # near misses reported: score at least 80% of the threshold
_DATE: Final = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Hit:
    """One row of a screening report: a query, a listed party, the score and why."""

    query_id: str
    list_name: str
    edition: str
    entity_id: str
    listed_name: str
    score: float
    is_match: bool
    explanation: str
    result: MatchResult

    def row(self) -> dict[str, str]:
        """The row written to the hits CSV."""
        return {
            "query_id": self.query_id,
            "entity_id": self.entity_id,
            "score": f"{self.score:.4f}",
            "match": "true" if self.is_match else "false",
            "explanation": self.explanation,
        }


def split_values(value: str) -> tuple[str, ...]:
    """A ";"-separated cell as its values, blanks dropped."""
    return tuple(v.strip() for v in value.split(";") if v.strip())


def validate_query(values: dict[str, str]) -> tuple[MatchQuery | None, list[str]]:
    """One query row as a `MatchQuery`, or the reasons it cannot be screened."""
    reasons = []
    query_id, name = values.get("id", "").strip(), values.get("name", "").strip()
    schema = values.get("schema", "").strip() or "LegalEntity"
    if not query_id:
        reasons.append("id is empty")
    if not name:
        reasons.append("name is empty")
    elif len(name) > MAX_NAME:
        reasons.append(f"name is longer than {MAX_NAME} characters")
    if schema not in SCHEMAS:
        reasons.append(f"schema {schema!r} is not one of {', '.join(sorted(SCHEMAS))}")
    countries = split_values(values.get("country", ""))
    reasons.extend(f"country {c!r} is not a country" for c in countries if not _country(c))
    dates = split_values(values.get("birth_date", ""))
    reasons.extend(
        f"birth_date {d!r} is not YYYY, YYYY-MM or YYYY-MM-DD" for d in dates if not _DATE.match(d)
    )
    if reasons:
        return None, reasons
    query = MatchQuery(
        query_id,
        name,
        schema,
        countries=tuple(_country(c) or c for c in countries),
        birth_dates=dates,
        addresses=split_values(values.get("address", "")),
        identifiers=split_values(values.get("identifiers", "")),
    )
    return query, []


def _country(value: str) -> str | None:
    """An ISO code for a country code or name, None when it is neither."""
    return registry.country.clean(value)


def read_queries(data: bytes, file_name: str) -> list[MatchQuery]:
    """Every query of a CSV file, or `FileRejected` with each bad row and why."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(file_name, [RowError(1, f"not UTF-8 text: {error.reason}")]) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileRejected(file_name, [RowError(1, f"missing column(s): {', '.join(missing)}")])
    queries, errors, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        values = {(k or "").strip(): (v or "") for k, v in row.items() if isinstance(v, str)}
        query, reasons = validate_query(values)
        if None in row:
            reasons.append("more cells than columns")
        if query is not None and query.query_id in seen:
            reasons.append(f"id {query.query_id!r} repeats an earlier row")
        if reasons or query is None:
            errors.append(RowError(line, "; ".join(reasons)))
            continue
        seen.add(query.query_id)
        queries.append(query)
    if errors:
        raise FileRejected(file_name, errors)
    return queries


def screen_names(
    queries: Sequence[MatchQuery],
    entries: Sequence[ListEntry],
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int], None] | None = None,
) -> list[Hit]:
    """Screen every query; matches and near misses (the latter marked not a match)."""
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput(f"threshold must be in (0, 1], not {threshold}")
    index = warm.index_of(entries)
    floor = threshold * NEAR_MISS_SHARE
    counted = _counted(queries, progress)
    return [_hit(r) for r in screen(counted, index, threshold, report_floor=floor)]


def _counted(
    queries: Iterable[MatchQuery], progress: Callable[[int], None] | None
) -> Iterator[MatchQuery]:
    """The queries, reporting each to the progress callback as it is taken up."""
    for query in queries:
        yield query
        if progress is not None:
            progress(1)


def _hit(result: MatchResult) -> Hit:
    """A screening result as a report row."""
    entry = result.entry
    return Hit(
        result.query_id,
        entry.list_name,
        entry.edition,
        entry.extra.get("entity_id") or entry.entry_id,
        entry.name,
        result.score,
        result.is_match,
        result.explanation(),
        result,
    )


def write_hits(hits: Iterable[Hit]) -> str:
    """The hits as CSV text with the report's columns, no cell a spreadsheet would run."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_text(v) for k, v in hit.row().items()} for hit in hits)
    return buffer.getvalue()
