"""Strict reading of FtM JSON lines: every bad line is named with its reason."""

from __future__ import annotations

import json

import pytest

from ctip.ingest.errors import FileRejected
from ctip.ingest.ftm import parse_entity_line, parse_ftm_lines
from tests.conftest import shared_data


def _line(**entity: object) -> bytes:
    return json.dumps(entity).encode()


def test_reads_the_donations_file_whole() -> None:
    data = shared_data("name_matching", "donations.ftm.ijson").read_bytes()
    parsed = parse_ftm_lines(data, "donations.ftm.ijson")
    assert len(parsed.entities) == len(data.splitlines())
    assert {e.schema.name for e in parsed.entities} >= {"Person", "Payment", "Address"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (_line(schema="Person", properties={}), "missing entity id"),
        (_line(id="a", schema="Martian", properties={}), "unknown schema"),
        (_line(id="a", schema="Thing", properties={}), "abstract"),
        (_line(id="a", schema="Person", properties={"tonnage": ["3"]}), "no property 'tonnage'"),
        (
            _line(id="a", schema="Person", properties={"birthDate": ["1990-13-45"]}),
            "not a valid date",
        ),
        (_line(id="a", schema="Person", properties={"phone": ["call me"]}), "not a valid phone"),
        (_line(id="a", schema="Person", properties={"name": [{"x": 1}]}), "must be text"),
        (_line(id="a", schema="Person", properties={"name": ["A\u0000B"]}), "NUL"),
        (b'{"id": "a", "schema": "Person", "properties": {"name": ["\\ud800"]}}', "surrogate"),
        (_line(id="a\u0000", schema="Person", properties={}), "entity id holds a NUL"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_line_gives_reason(line: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_entity_line(1, line)


def test_rejects_file_naming_every_bad_line() -> None:
    good = _line(id="p1", schema="Person", properties={"name": ["Ana Silva"]})
    data = b"\n".join(
        [good, b"{broken", good, _line(id="x", schema="Person", properties={"fly": ["1"]})]
    )
    with pytest.raises(FileRejected) as caught:
        parse_ftm_lines(data, "upload.ijson")
    assert [e.row for e in caught.value.errors] == [2, 4]
    assert "nothing was imported" in str(caught.value)


def test_same_id_with_conflicting_schemata_is_rejected() -> None:
    data = b"\n".join(
        [
            _line(id="e1", schema="Person", properties={"name": ["A"]}),
            _line(id="e1", schema="Vessel", properties={"name": ["A"]}),
        ]
    )
    with pytest.raises(FileRejected, match="was a Person on line 1"):
        parse_ftm_lines(data, "f")


def test_cleaning_keeps_the_original_text() -> None:
    entity = parse_entity_line(
        1,
        _line(id="p", schema="Person", properties={"country": ["us"], "phone": ["(202) 555-0143"]}),
    )
    phone = next(v for v in entity.values if v.prop.name == "phone")
    assert (phone.value, phone.original_value) == ("+12025550143", "(202) 555-0143")
