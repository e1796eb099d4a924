"""The file formats a list can be loaded from: the plain watchlist here, and each area's own
(the trade area's CBP orders, UFLPA Entity List and DOL TVPRA goods list), handed over by the
area registry so that this core never imports an area; and the format of what screening
finds (the hits report the CLI, the API and the workbench share).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final

from rapidfuzz import fuzz, process

from ctip.model.area import FunctionRef
from ctip.model.csvsafe import safe_text
from ctip.model.errors import InvalidInput, NotFound
from ctip.model.explain import RefKind

if TYPE_CHECKING:
    from ctip.lists.readers import PreparedList
    from ctip.matching.screening import Hit

Preparer = Callable[[bytes, str, str], "PreparedList"]
"""(file bytes, file name, list name) -> the validated entries of one edition."""

WATCHLIST = "watchlist"
_formats: dict[str, Preparer] = {WATCHLIST: FunctionRef("ctip.lists.readers:prepare_watchlist")}
"""Format -> reader; the readers (and FtM with them) are imported on the first file read, so
the registry hands formats over without loading them."""

FileReader = Callable[[Path, str, str], "PreparedList"]
"""(path of the file on disk, file name, list name) -> the validated entries of one edition."""

_file_readers: dict[str, FileReader] = {
    WATCHLIST: FunctionRef("ctip.lists.readers:prepare_watchlist_file")
}
"""Formats read from disk pass by pass (a watchlist may hold a million entries); the others
(an area's official lists: small files, spreadsheets read whole) get the file's bytes."""


def declare_formats(formats: Mapping[str, Preparer]) -> None:
    """Add an area's list formats (the registry calls this); a name means one reader."""
    for name, preparer in formats.items():
        known = _formats.get(name)
        if known is not None and known is not preparer:
            raise ValueError(f"list format {name!r} declared twice")
        _formats[name] = preparer


def withdraw_formats(names: Mapping[str, Preparer]) -> None:
    """Forget formats declared earlier (a throwaway area in a test)."""
    for name in names:
        if name != WATCHLIST:
            _formats.pop(name, None)


def format_names() -> tuple[str, ...]:
    """Every format a list file may be read as."""
    return tuple(sorted(_formats))


def preparer(name: str) -> Preparer:
    """The reader of a format; ValueError names the known ones."""
    try:
        return _formats[name]
    except KeyError:
        raise InvalidInput(f"unknown list format {name!r}; use one of {format_names()}") from None


def file_reader(name: str) -> FileReader:
    """How a format reads a file on disk: pass by pass where it can, else its reader of
    bytes over the whole file; ValueError names the known formats."""
    streaming = _file_readers.get(name)
    return streaming if streaming is not None else partial(read_whole, preparer(name))


def read_whole(prepare: Preparer, path: Path, file_name: str, list_name: str) -> PreparedList:
    """`prepare` over the bytes of the file at `path`, read whole."""
    return prepare(path.read_bytes(), file_name, list_name)


HIT_COLUMNS: Final = (
    "query_id",
    "query_name",
    "list",
    "edition",
    "entity_id",
    "listed_name",
    "matched_alias",
    "score",
    "match",
    "explanation",
)
"""The hits report: `query_id`, `entity_id`, `score`, `match` are relied on by other tools;
`entity_id` is the list's own id as given in its file (`un-0`), never rewritten."""

MAX_SUGGESTIONS: Final = 3


def matched_alias(hit: Hit) -> str:
    """The listed name the query matched: an alias when one was closer, else the name."""
    for feature in hit.result.features:
        for reference in feature.references:
            if reference.kind is RefKind.ALIAS:
                return reference.id
    return hit.listed_name


def hit_record(hit: Hit, query_names: Mapping[str, str]) -> dict[str, str | float | bool]:
    """One hit as the report's fields (score as a number, match as a boolean)."""
    return {
        "query_id": hit.query_id,
        "query_name": query_names.get(hit.query_id, ""),
        "list": hit.list_name,
        "edition": hit.edition,
        "entity_id": hit.result.entry.entry_id,
        "listed_name": hit.listed_name,
        "matched_alias": matched_alias(hit),
        "score": round(hit.score, 4),
        "match": hit.is_match,
        "explanation": hit.explanation,
    }


def hits_csv(hits: Iterable[Hit], query_names: Mapping[str, str]) -> str:
    """The hits as CSV (`match` written `true`/`false`), no cell a spreadsheet would run."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HIT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for hit in hits:
        record = hit_record(hit, query_names)
        writer.writerow(
            {
                **{k: safe_text(str(v)) for k, v in record.items()},
                "score": f"{hit.score:.4f}",
                "match": "true" if hit.is_match else "false",
            }
        )
    return buffer.getvalue()


def hits_json(hits: Iterable[Hit], query_names: Mapping[str, str]) -> str:
    """The hits as a JSON array of records."""
    records = [hit_record(hit, query_names) for hit in hits]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def find_list(known: Iterable[str], wanted: str) -> str:
    """The loaded list a person meant: names compare in any case; an unknown one is refused
    with the closest names ("did you mean uflpa?")."""
    names = sorted(set(known))
    folded = wanted.strip().lower()
    for name in names:
        if name.lower() == folded:
            return name
    close = process.extract(folded, names, scorer=fuzz.WRatio, limit=MAX_SUGGESTIONS)
    suggestions = [name for name, score, _ in close if score >= 60]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    known_text = ", ".join(names) if names else "none is loaded yet (ctip lists load)"
    raise NotFound(f"no list {wanted!r}{hint} (loaded lists: {known_text})")
