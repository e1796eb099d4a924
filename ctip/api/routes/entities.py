"""Entities: look-up by name and identifier, one entity with provenance, links, import, export."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ctip.api.deps import DbSession, get_database, require
from ctip.api.errors import ApiError
from ctip.api.schemas import (
    EntityLinkOut,
    EntityOut,
    EntityPage,
    error_responses,
    job_accepted,
)
from ctip.api.uploads import read_upload, upload_route
from ctip.authz import audit
from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Action, Principal
from ctip.ingest.ftm_import import ImportOutcome, check_source_name, import_ftm_bytes
from ctip.matching.normalize import IdentifierKind
from ctip.store import entities as store
from ctip.store import jobs
from ctip.store.db import Database

router = APIRouter(prefix="/entities", tags=["entities"])
Reader = Annotated[Principal, Depends(require(Action.ENTITY_READ))]
Writer = Annotated[Principal, Depends(require(Action.ENTITY_WRITE))]
Exporter = Annotated[Principal, Depends(require(Action.ENTITY_EXPORT))]
Limit = Annotated[int, Query(ge=1, le=store.MAX_LIMIT)]
MAX_IMPORT_BYTES = 200 * 1024 * 1024
NOT_FOUND = error_responses(404)
FTM_LINES = "application/x-ndjson"
FTM_LINES_BODY = {
    "description": "FtM entities, one JSON object per line (id, schema, properties)",
    "content": {FTM_LINES: {"schema": {"type": "string", "format": "binary"}}},
}


class FtmLinesResponse(StreamingResponse):
    """A stream of FtM JSON lines.

    The media type is set per response, not on the class: FastAPI documents a route's error
    bodies under its response class's media type, and they are JSON, not FtM lines.
    """

    media_type = None

    def __init__(self, lines: Iterator[bytes], status_code: int = 200) -> None:
        super().__init__(lines, status_code=status_code, media_type=FTM_LINES)


def _page(results: list[store.EntitySummary]) -> EntityPage:
    return EntityPage(total=len(results), results=results)


@router.get("/search")
def search(
    principal: Reader,
    session: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=500, description="a name in any script")],
    schema: Annotated[str | None, Query(max_length=50)] = None,
    limit: Limit = store.DEFAULT_LIMIT,
) -> EntityPage:
    """Entities whose names hold every word of `q` (case, accents and script ignored), among
    those the caller's areas let them see."""
    hidden = hidden_sources(principal)
    return _page(store.search_by_name(session, q, limit, schema, hidden))


@router.get("/by-identifier")
def by_identifier(
    principal: Reader,
    session: DbSession,
    value: Annotated[str, Query(min_length=1, max_length=500)],
    kind: Annotated[IdentifierKind | None, Query()] = None,
    limit: Limit = store.DEFAULT_LIMIT,
) -> EntityPage:
    """Entities holding a phone (any format, read as E.164), e-mail, account or registration,
    among those the caller's areas let them see."""
    hidden = hidden_sources(principal)
    return _page(store.find_by_identifier(session, value, kind, limit, hidden))


@router.get("/export", response_class=FtmLinesResponse, responses={200: FTM_LINES_BODY})
def export(
    principal: Exporter,
    session: DbSession,
    database: Annotated[Database, Depends(get_database)],
    source: Annotated[str | None, Query(max_length=100)] = None,
) -> FtmLinesResponse:
    """All entities (or one source's) as FtM JSON lines, for Aleph, yente or nomenklatura.

    Only what the caller may see; the export is in the audit log (who, which source, how
    many entities) before its first line is sent."""
    hidden = hidden_sources(principal)
    ids = store.export_ids(session, source, hidden)
    resource = f"source:{source}" if source is not None else "entities:all"
    audit.record_read(session, principal.username, "entities.export", resource, len(ids))

    def lines() -> Iterator[bytes]:
        with database.session() as stream:
            for entity in store.export_entities(stream, source, hidden, ids):
                yield (json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n").encode()

    return FtmLinesResponse(lines())


IMPORT_JOB = "entities.import"


def import_work(data: bytes, file_name: str, source: str, actor: str) -> jobs.Work:
    """The import as a job's work: the same loader as `ctip entities import`."""

    def work(session: Session, progress: jobs.Progress) -> dict[str, Any]:
        outcome = import_ftm_bytes(session, data, file_name, source, actor, progress)
        return {**dataclasses.asdict(outcome), "summary": import_summary(outcome)}

    return work


def import_summary(done: ImportOutcome) -> str:
    """The import in one sentence, as the job page and the CLI say it."""
    if done.already_imported:
        return f"{done.file_name} was already imported as {done.source}: nothing changed."
    return (
        f"Imported {done.file_name} as {done.source}: {done.entities} entities, "
        f"{done.statements_new} new statements."
    )


@router.post(
    "/import",
    status_code=202,
    response_model=jobs.JobView,
    **upload_route(FTM_LINES_BODY, MAX_IMPORT_BYTES),
)
async def import_lines(
    principal: Writer,
    database: Annotated[Database, Depends(get_database)],
    request: Request,
    source: Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_.-]*$")],
    file_name: Annotated[str, Query(max_length=500)] = "upload.ijson",
) -> JSONResponse:
    """Import FtM JSON lines sent as the request body: all or nothing, idempotent.

    Answers 202 at once with a job (its row committed): the file is read, checked and
    written by a worker, off the request path, while the server keeps answering others.
    """
    data = await read_upload(request, MAX_IMPORT_BYTES, "FtM JSON lines")
    check_source_name(source)
    work = import_work(data, file_name, source, principal.username)
    label = f"{file_name} as {source}"
    job = await run_in_threadpool(
        jobs.submit, database.session, IMPORT_JOB, principal.username, work, label
    )
    return job_accepted(job)


@router.get("/{entity_id}", responses=NOT_FOUND)
def entity(principal: Reader, session: DbSession, entity_id: str) -> EntityOut:
    """One entity, every value with the source that stated it and when (audited). An entity
    the caller's areas do not let them see is 404, as if it did not exist."""
    record = store.get_entity(session, entity_id, hidden_sources(principal))
    if record is None:
        raise ApiError(404, f"no entity {entity_id!r}")
    rows = len(record.provenance)
    audit.record_read(session, principal.username, "entity.read", f"entity:{entity_id}", rows)
    return EntityOut.of(record)


@router.get("/{entity_id}/links", responses=NOT_FOUND)
def links(principal: Reader, session: DbSession, entity_id: str) -> list[EntityLinkOut]:
    """The FtM edges of an entity: owners, directors, payments, family, addresses... (only
    those the caller may see; audited)."""
    hidden = hidden_sources(principal)
    if store.get_entity(session, entity_id, hidden) is None:
        raise ApiError(404, f"no entity {entity_id!r}")
    found = store.entity_links(session, entity_id, hidden)
    resource = f"entity:{entity_id}"
    audit.record_read(session, principal.username, "entity.links.read", resource, len(found))
    return [EntityLinkOut.of(link) for link in found]
