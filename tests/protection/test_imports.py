"""Victims load from CSV in HTCDS field names: all or nothing, each bad row named by line and
column (never its value), identities sealed, a re-run changes nothing."""

from __future__ import annotations

import pytest

from ctip.ingest.errors import FileRejected
from ctip.protection import imports, victims
from ctip.store.db import Database
from tests.protection.conftest import CLOCK, MARKER, MARKER_BITS

HEADER = (
    "ctip_Names,ctip_Specialists,ctip_BirthDate,ctip_Cases,vic_DateIdentified,"
    "vic_TraffickingStatus,vic_TypeOfExploitation,vic_MethodsOfControl,vic_AgeWhenTrafficked\n"
)
GOOD = (
    f"{MARKER},maria,1994-03-02,HSI-2021-00042,2021-03-04,ActualVictimOfTrafficking,"
    "ForcedLabour,DebtBondage;WithholdsDocuments,19\n"
)
OTHER = "Ana Doe,maria;tom,,,2021-05-01,Possible victim of trafficking,Sexual exploitation,,\n"


def test_a_file_loads_once_with_identities_sealed(protection_db: Database) -> None:
    data = (HEADER + GOOD + OTHER).encode()
    with protection_db.session() as session:
        already, made = imports.load_victims(session, data, "partners.csv", "t", CLOCK)
    assert not already and made == ["V-2021-0001", "V-2021-0002"]
    with protection_db.session() as session:
        again, none = imports.load_victims(session, data, "renamed.csv", "t", CLOCK)
        assert again and none == []
        row = victims.victim_row(session, "V-2021-0002")
        assert victims.specialists_of(session, row.id) == ("maria", "tom")
        assert victims.context_of(row).trafficking_status == "PossibleVictimOfTrafficking"
        assert MARKER.encode() not in bytes(victims.victim_row(session, "V-2021-0001").identity)


def test_every_bad_row_is_named_and_nothing_is_written(protection_db: Database) -> None:
    bad = (
        HEADER
        + GOOD
        + f"{MARKER},maria,{MARKER_BITS[0]},,,,,,\n"
        + f"{MARKER},sam,,,,,,,\n"
        + f"{MARKER},maria,,,,,Kidnapping,,\n"
        + f"{MARKER},maria,,,,,,,old\n"
    )
    with protection_db.session() as session, pytest.raises(FileRejected) as refused:
        imports.load_victims(session, bad.encode(), "bad.csv", "t", CLOCK)
    lines = [(e.row, e.reason) for e in refused.value.errors]
    assert [n for n, _ in lines] == [3, 4, 5, 6]
    assert "birth date" in lines[0][1] and "victim specialist" in lines[1][1]
    assert "vic_TypeOfExploitation" in lines[2][1] and "vic_AgeWhenTrafficked" in lines[3][1]
    assert not any(bit in refused.value.message for bit in MARKER_BITS)
    assert not any(bit in reason for _, reason in lines for bit in MARKER_BITS)
    with protection_db.session() as session, pytest.raises(Exception, match="no victim"):
        victims.victim_row(session, "V-2021-0001")
