"""An entry line keeps the values that could not be read as the file wrote them: in the store,
in the API and on the workbench, never as evidence, and its content hash is unchanged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.api.app import create_app
from ctip.config import Settings
from ctip.ingest.errors import FileRejected
from ctip.model.roles import Role
from ctip.store.db import Database, alembic_config
from ctip.trade import detentions, entries, service
from ctip.trade.screening import NOT_READ, Screener
from ctip.trade.tables import EntryLineRow
from tests.conftest import TokenFor
from tests.support.workbench import form_token, sign_in
from tests.trade.conftest import LISTED, entry_csv, raw_row

API = "/api/v1/trade"
ODD_DATE = "1969-7-32"
ODD_HTS = "<script>alert('hts')</script>"
MAKER_UNDER_ORDER = "Marlow Sea Harvest Ltd"
ODD_ROW = raw_row(arrival_date=ODD_DATE, manufacturer=MAKER_UNDER_ORDER, country_of_origin="TH")
FILE = entry_csv([ODD_ROW, raw_row(line_number="2")])
LINE_URL = "/trade/lines/ABC12345671/1"
DET = "DET-ABC12345671-001"


def _stored(session_db: Database) -> dict[int, EntryLineRow]:
    with session_db.session() as session:
        rows = session.execute(select(EntryLineRow)).scalars().all()
        session.expunge_all()
    return {row.line_number: row for row in rows}


def _hash_without_not_read(line: entries.EntryLine) -> str:
    """The content hash as it was computed before values could go unread."""
    content = asdict(line)
    del content["not_read"]
    data = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def test_a_date_not_read_is_stored_as_written_and_read_back(database: Database) -> None:
    with database.session() as session:
        loaded = entries.load_entry_lines(session, FILE, "odd.csv", "ana")
    assert (loaded.lines_new, loaded.values_not_read) == (2, 1)
    rows = _stored(database)
    assert json.loads(rows[1].not_read) == {"arrival_date": ODD_DATE}
    assert rows[1].arrival_date == "", "the value is not used as a date"
    assert json.loads(rows[2].not_read) == {}
    with database.session() as session:
        first = entries.get_line(session, "ABC12345671", 1)
        second = entries.get_line(session, "ABC12345671", 2)
    assert first is not None and second is not None
    assert first.not_read == (("arrival_date", ODD_DATE),)
    assert first.written("arrival_date") == ODD_DATE
    assert first.sha256() == rows[1].line_sha256, "read back, the line hashes as it was loaded"
    assert second.not_read == () and second.arrival_date == "2025-03-04"
    (kept,) = entries.values_not_read(first)
    assert (kept.column, kept.value) == ("arrival_date", ODD_DATE)
    assert ODD_DATE in kept.reason and "not a date" in kept.reason


def test_lines_read_whole_hash_as_before_and_reloads_change_nothing(database: Database) -> None:
    with database.session() as session:
        entries.load_entry_lines(session, FILE, "odd.csv", "ana")
    rows = _stored(database)
    whole = entries.line_of(rows[2])
    assert rows[2].line_sha256 == _hash_without_not_read(whole)
    assert rows[1].line_sha256 != _hash_without_not_read(entries.line_of(rows[1]))
    with database.session() as session:
        again = entries.load_entry_lines(session, FILE, "odd-again.csv", "ana")
        more = entry_csv(
            [
                raw_row(
                    arrival_date=ODD_DATE, manufacturer=MAKER_UNDER_ORDER, country_of_origin="TH"
                ),
                raw_row(line_number="3", port="harbour"),
            ]
        )
        grown = entries.load_entry_lines(session, more, "grown.csv", "ana")
    assert again.already_loaded and again.lines_new == 0
    assert (grown.already_loaded, grown.lines, grown.lines_new) == (False, 2, 1)
    after = _stored(database)
    assert after[1].line_sha256 == rows[1].line_sha256 and after[1].file_id == rows[1].file_id
    assert json.loads(after[3].not_read) == {"port": "harbour"}


def test_a_line_whose_text_changed_is_still_refused(database: Database) -> None:
    with database.session() as session:
        entries.load_entry_lines(session, FILE, "odd.csv", "ana")
    other = entry_csv([raw_row(arrival_date="1969-7-33", manufacturer=MAKER_UNDER_ORDER)])
    with database.session() as session, pytest.raises(FileRejected) as refused:
        entries.load_entry_lines(session, other, "other.csv", "ana")
    assert "already stored with other values" in str(refused.value.errors[0].reason)
    assert json.loads(_stored(database)[1].not_read) == {"arrival_date": ODD_DATE}


def test_a_value_kept_as_written_is_never_evidence(database: Database) -> None:
    odd = entry_csv([raw_row(hts_code=ODD_HTS, country_of_origin="Xinjiang Uyghur AR")])
    with database.session() as session:
        entries.load_entry_lines(session, odd, "odd.csv", "ana")
        (stored,) = entries.all_lines(session)
    assert dict(stored.not_read) == {"country_of_origin": "Xinjiang Uyghur AR", "hts_code": ODD_HTS}
    decision = Screener(LISTED).screen(stored)
    unread = [f for f in decision.features if f.name == NOT_READ]
    assert [f.detail for f in unread] == ["Xinjiang Uyghur AR", ODD_HTS]
    assert all(f.weight == 0.0 for f in unread)
    evidence = [f for f in decision.features if f.name != NOT_READ]
    assert evidence == [] and decision.score == 0.0 and decision.decision.value == "release"


def test_the_reason_is_the_readers_and_bad_stored_text_keeps_nothing() -> None:
    assert entries.not_read_reason("hts_code", "123").startswith("'123': expected 10 digits")
    assert entries.not_read_reason("arrival_date", "2024-03-01") == "", "it reads today"
    assert entries.not_read_reason("description", "anything") == "", "no reader for text"
    assert entries.written_values('{"port": "harbour"}') == (("port", "harbour"),)
    assert entries.written_values("not json") == ()
    assert entries.written_values('["port"]') == ()
    assert entries.written_values(None) == ()
    assert entries.written_json((("port", "港口"),)) == '{"port": "港口"}'


def test_the_api_returns_the_values_kept_as_written(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.TRADE_ANALYST)
    screened = client.post(f"{API}/screen", content=FILE, headers=headers)
    assert screened.status_code == 200
    lines = client.get(f"{API}/lines", headers=headers).json()
    by_line = {line["line_number"]: line for line in lines}
    kept = by_line[1]["not_read"]
    assert list(kept) == ["arrival_date"] and kept["arrival_date"]["value"] == ODD_DATE
    assert "not a date" in kept["arrival_date"]["reason"]
    assert by_line[2]["not_read"] == {}
    unread = [f for f in by_line[1]["features"] if f["name"] == NOT_READ]
    assert all(f["weight"] == 0.0 for f in unread)


@pytest.fixture
def kept_web(seeded_settings: Settings) -> Iterator[TestClient]:
    """The seeded store with two screened lines: one from a maker under a WRO whose arrival
    date and HTS code were not read."""
    odd = entry_csv(
        [
            raw_row(
                arrival_date=ODD_DATE,
                hts_code=ODD_HTS,
                manufacturer=MAKER_UNDER_ORDER,
                country_of_origin="TH",
            ),
            raw_row(line_number="2"),
        ]
    )
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        read = entries.read_entry_file(odd, "odd.csv")
        entries.load_entry_lines(session, odd, "odd.csv", "test-setup", read)
        decisions = service.screen_lines(entries.all_lines(session), Screener(LISTED))
        service.record_screenings(session, decisions, "test-setup", "local")
    database.dispose()
    with TestClient(create_app(seeded_settings), follow_redirects=False) as client:
        yield client


def test_the_line_page_shows_the_values_kept_as_written_escaped(kept_web: TestClient) -> None:
    sign_in(kept_web, Role.TRADE_ANALYST)
    page = kept_web.get(LINE_URL)
    assert page.status_code == 200
    assert 'id="not-read"' in page.text and "Not read" in page.text
    assert "<code>arrival_date</code>: <q><bdi>1969-7-32</bdi></q> (date" in page.text
    assert "&lt;script&gt;alert(&#39;hts&#39;)&lt;/script&gt;" in page.text
    assert "<script>alert(" not in page.text
    assert "date not read" in page.text
    whole = kept_web.get("/trade/lines/ABC12345671/2")
    assert whole.status_code == 200 and 'id="not-read"' not in whole.text


def test_the_results_name_the_values_kept_as_written(kept_web: TestClient) -> None:
    sign_in(kept_web, Role.TRADE_ANALYST)
    listing = kept_web.get("/trade")
    assert listing.status_code == 200 and "Not read" in listing.text
    hts = "<code>hts_code</code>: <q><bdi>&lt;script&gt;alert(&#39;hts&#39;)&lt;/script&gt;"
    date = "<code>arrival_date</code>: <q><bdi>1969-7-32</bdi></q>"
    assert f"{hts}</bdi></q>; {date}" in listing.text
    assert "<script>alert(" not in listing.text
    exported = kept_web.get("/trade", params={"export": "csv"})
    assert exported.status_code == 200 and "arrival_date: 1969-7-32" in exported.text


def test_the_detention_page_shows_the_values_kept_as_written(kept_web: TestClient) -> None:
    sign_in(kept_web, Role.TRADE_ANALYST)
    token = form_token(kept_web.get(LINE_URL).text)
    opened = kept_web.post(
        f"{LINE_URL}/detain", data={"reason": "maker under a WRO", "csrf_token": token}
    )
    assert opened.status_code == 303 and opened.headers["location"] == f"/trade/detentions/{DET}"
    page = kept_web.get(f"/trade/detentions/{DET}")
    assert page.status_code == 200 and 'id="not-read"' in page.text
    assert "<bdi>1969-7-32</bdi>" in page.text and "<script>alert(" not in page.text


def test_the_revision_adds_the_column_and_old_lines_read_as_before(database_url: str) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "trade_0011_wro_issuances")
    database = Database(database_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO trade_entry_lines (entry_number, line_number, importer, "
                    "manufacturer, manufacturer_address, seller, shipper, country_of_origin, "
                    "hts_code, description, value_usd, quantity, unit, arrival_date, port, "
                    "line_sha256, file_id) VALUES ('ABC12345671', 1, 'Importer', 'Maker', '', "
                    "'', '', 'CN', '5208524000', '', '10.00', '1', '', '2025-06-01', '2704', "
                    ":sha, 1)"
                ),
                {"sha": "0" * 64},
            )
        database.upgrade()
        with database.session() as session:
            old = entries.get_line(session, "ABC12345671", 1)
        assert old is not None and old.not_read == () and old.arrival_date == "2025-06-01"
        assert json.loads(_stored(database)[1].not_read) == {}
        command.downgrade(config, "trade_0011_wro_issuances")
        database.engine.dispose()
        columns = {c["name"] for c in inspect(database.engine).get_columns("trade_entry_lines")}
        assert "not_read" not in columns and "line_sha256" in columns
        database.upgrade()
        database.engine.dispose()
        columns = {c["name"] for c in inspect(database.engine).get_columns("trade_entry_lines")}
        assert "not_read" in columns
    finally:
        database.dispose()


def test_a_detention_of_a_line_with_a_date_not_read_starts_no_clock_from_importation(
    database: Database,
) -> None:
    both = entry_csv(
        [ODD_ROW, raw_row(line_number="2", manufacturer=MAKER_UNDER_ORDER, country_of_origin="TH")]
    )
    with database.session() as session:
        entries.load_entry_lines(session, both, "both.csv", "ana")
        decisions = service.screen_lines(entries.all_lines(session), Screener(LISTED))
        service.record_screenings(session, decisions, "ana", "local")
        odd = detentions.open_detention(session, "ABC12345671", 1, "ana", "WRO", "2025-03-05")
        whole = detentions.open_detention(session, "ABC12345671", 2, "ana", "WRO", "2025-03-05")
    assert odd.status == whole.status == "detained"
    proof = "proof_of_admissibility"  # counted from the date of importation
    assert proof in {c.deadline.id for c in whole.clocks}, "a date read starts it"
    assert proof not in {c.deadline.id for c in odd.clocks}, "the text as written does not"
    assert odd.events[0].detail["imported_on"] == ""
