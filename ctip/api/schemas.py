"""Response and request bodies of the API (pydantic), built from the store's dataclasses."""

from __future__ import annotations

from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from ctip.store.entities import EntityLink, EntityRecord, EntitySummary, Provenance
from ctip.store.jobs import JobView


class ErrorDetail(BaseModel):
    """The inside of every error body."""

    code: str
    message: str
    details: list[Any] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every 4xx and 5xx response."""

    error: ErrorDetail


class EntityOut(BaseModel):
    """An entity in FtM form with the provenance of each value."""

    id: str
    schema_: str = Field(alias="schema", serialization_alias="schema")
    caption: str
    properties: dict[str, list[str]]
    provenance: list[Provenance]

    @classmethod
    def of(cls, record: EntityRecord) -> EntityOut:
        """From the store's record."""
        data = record.proxy.to_dict()
        return cls.model_validate(
            {
                "id": data["id"],
                "schema": data["schema"],
                "caption": record.proxy.caption,
                "properties": data["properties"],
                "provenance": list(record.provenance),
            }
        )


class EntityLinkOut(BaseModel):
    """An edge from or to an entity."""

    prop: str
    direction: str
    other: EntitySummary
    via: EntitySummary | None = None

    @classmethod
    def of(cls, link: EntityLink) -> EntityLinkOut:
        """From the store's link."""
        return cls(prop=link.prop, direction=link.direction, other=link.other, via=link.via)


class EntityPage(BaseModel):
    """A list of entities."""

    total: int
    results: list[EntitySummary]


class RequestBody(BaseModel):
    """A JSON request body; no text in it may hold NUL, which PostgreSQL cannot store."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character (\\u0000)")
        return value


class TokenRequest(RequestBody):
    """Credentials for a bearer token."""

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class TokenOut(BaseModel):
    """A bearer token and when it expires."""

    access_token: str
    token_type: str = "bearer"
    expires_at: str


class PrincipalOut(BaseModel):
    """Who the caller is."""

    username: str
    role: str


class UserCreate(RequestBody):
    """A new user."""

    username: str = Field(min_length=2, max_length=63)
    password: str = Field(min_length=10, max_length=1000)
    role: str = Field(min_length=1, max_length=30)
    display_name: str = Field(default="", max_length=200)


class RoleChange(RequestBody):
    """A new role for a user."""

    role: str = Field(min_length=1, max_length=30)


class AuditEventOut(BaseModel):
    """One audit row."""

    seq: int
    at: str
    actor: str
    action: str
    resource: str
    detail: str
    hash: str


class ChainReportOut(BaseModel):
    """The result of checking the audit chain."""

    ok: bool
    rows_checked: int
    first_bad_seq: int | None
    problem: str | None


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries saying these statuses answer with the JSON error body."""
    return {status: {"model": ErrorBody} for status in statuses}


JOBS_PATH = "/api/v1/jobs"


def job_accepted(job: JobView) -> JSONResponse:
    """202 with the job as queued and where to follow it (`Location`): the answer of every
    route that hands its work to a job (when done, the job's `result` holds what it did;
    when failed, its `rejects` name each bad row)."""
    location = f"{JOBS_PATH}/{job.id}"
    return JSONResponse(jsonable_encoder(job), status_code=202, headers={"Location": location})
