"""Read FollowTheMoney JSON lines strictly: every line must be a valid entity.

FtM's own loader silently drops unknown properties and values that do not clean; an
investigator importing evidence needs to know instead, so each such line is rejected with
its number and reason, and the caller writes nothing when any line is bad.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model
from followthemoney.property import Property
from followthemoney.schema import Schema

from ctip.ingest.errors import FileRejected, RowError

MAX_ID_LENGTH = 255


@dataclass(frozen=True)
class StatedValue:
    """One property value as cleaned by FtM, with the raw text when cleaning changed it."""

    prop: Property
    value: str
    original_value: str | None


@dataclass
class ParsedEntity:
    """An entity read from one line: id, schema and its stated values."""

    line: int
    entity_id: str
    schema: Schema
    values: list[StatedValue] = field(default_factory=list)


@dataclass
class ParsedFile:
    """A whole file that passed validation, with the SHA-256 of its bytes."""

    file_name: str
    sha256: str
    entities: list[ParsedEntity]


def parse_ftm_lines(data: bytes, file_name: str) -> ParsedFile:
    """Validate every line; raise `FileRejected` naming each bad line, else return them all."""
    entities: list[ParsedEntity] = []
    errors: list[RowError] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entities.append(parse_entity_line(number, line))
        except ValueError as error:
            errors.append(RowError(number, str(error)))
    errors.extend(_duplicate_id_errors(entities))
    if errors:
        raise FileRejected(file_name, errors)
    return ParsedFile(file_name, hashlib.sha256(data).hexdigest(), entities)


def parse_entity_line(number: int, line: bytes) -> ParsedEntity:
    """One JSON line to a parsed entity; raises ValueError with the reason."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"not valid JSON ({error})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply to be an FtM entity") from None
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object with id, schema and properties")
    entity = ParsedEntity(number, _entity_id(data), _schema(data))
    properties = data.get("properties", {})
    entity.values = list(_stated_values(entity.schema, properties, _countries(properties)))
    return entity


def _countries(properties: Any) -> list[str]:
    """The entity's stated countries, the context FtM needs to read national phone numbers."""
    if not isinstance(properties, dict):
        return []
    found = properties.get("country", []) + properties.get("jurisdiction", [])
    return [c for c in found if isinstance(c, str)]


def _entity_id(data: dict[str, Any]) -> str:
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise ValueError("missing entity id")
    if len(entity_id) > MAX_ID_LENGTH:
        raise ValueError(f"entity id longer than {MAX_ID_LENGTH} characters")
    return storable(entity_id, "entity id")


def storable(text: str, what: str) -> str:
    """Refuse text no store can keep: NUL (PostgreSQL text) and lone UTF-16 surrogates."""
    if "\x00" in text:
        raise ValueError(f"{what} holds a NUL character (\\u0000)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} holds a lone surrogate (\\ud800-\\udfff)") from None
    return text


def _schema(data: dict[str, Any]) -> Schema:
    name = data.get("schema")
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        raise ValueError(f"unknown schema {name!r}")
    if schema.abstract:
        raise ValueError(f"schema {name!r} is abstract; use a concrete schema")
    return schema


def _stated_values(schema: Schema, properties: Any, countries: list[str]) -> Iterable[StatedValue]:
    if not isinstance(properties, dict):
        raise ValueError("'properties' must be an object of lists")
    for name, raw_values in properties.items():
        prop = schema.get(name)
        if prop is None:
            raise ValueError(f"schema {schema.name} has no property {name!r}")
        if not isinstance(raw_values, list):
            raw_values = [raw_values]
        for raw in raw_values:
            yield _stated_value(prop, raw, countries)


def _stated_value(prop: Property, raw: Any, countries: list[str]) -> StatedValue:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise ValueError(f"property {prop.name!r}: values must be text, got {raw!r}")
    text = storable(str(raw), f"property {prop.name!r}")
    cleaned = prop.type.clean(text, fuzzy=False)
    if cleaned is None and prop.type.name == "phone" and countries:
        cleaned = _clean_national_phone(prop, text, countries)
    if cleaned is None:
        raise ValueError(f"property {prop.name!r}: {text!r} is not a valid {prop.type.name}")
    return StatedValue(prop, cleaned, None if cleaned == text else text)


def _duplicate_id_errors(entities: list[ParsedEntity]) -> list[RowError]:
    """Two lines with one id and different schemata cannot both be right."""
    first_schema: dict[str, tuple[int, Schema]] = {}
    errors = []
    for entity in entities:
        seen = first_schema.setdefault(entity.entity_id, (entity.line, entity.schema))
        if seen[1] is entity.schema or seen[1].can_match(entity.schema):
            continue
        errors.append(
            RowError(
                entity.line,
                f"id {entity.entity_id!r} was a {seen[1].name} on line {seen[0]}, "
                f"now a {entity.schema.name}",
            )
        )
    return errors


def _clean_national_phone(prop: Property, text: str, countries: list[str]) -> str | None:
    """A phone written without its country code, read in the entity's own countries."""
    for country in countries:
        try:
            cleaned: str | None = prop.type.clean(text, fuzzy=False, format=country.upper())
        except ValueError:
            continue
        if cleaned is not None:
            return cleaned
    return None
