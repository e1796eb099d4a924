"""The workbench's shared components over TestClient: the audit log and users tables (pages,
sort, filters, audited CSV export), the entities upload with its reject report, and the
sign-in form keeping what was typed."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from ctip.authz import audit
from ctip.model.roles import STAFF_ROLES, Role
from ctip.store import jobs
from ctip.store.db import Database
from tests.support.workbench import form_token, sign_in

COUNT = re.compile(r"Showing <strong>(\d+)\u2013(\d+)</strong> of <strong>(\d+)</strong>")
SEQ_CELL = re.compile(r'<td class="num">(\d+)</td>')


def _database(client: TestClient) -> Database:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def _count(html: str) -> tuple[int, int, int]:
    match = COUNT.search(html)
    assert match, "the table shows no row count"
    first, last, total = match.groups()
    return int(first), int(last), int(total)


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _audit_total(client: TestClient) -> int:
    with _database(client).session() as session:
        return len(audit.recent_events(session, 100_000))


def test_the_audit_log_pages_newest_first_and_keeps_the_choices(web: TestClient) -> None:
    sign_in(web, Role.SUPERVISOR)
    total = _audit_total(web)
    page = web.get("/audit", params={"per_page": "3", "page": "2"}).text
    assert _count(page) == (4, 6, total)
    assert [int(s) for s in SEQ_CELL.findall(page)] == [total - 3, total - 4, total - 5]
    assert 'href="/audit?per_page=3&amp;page=3"' in page
    assert "has not been verified yet" in page  # the chain is not walked on every view


def test_the_audit_log_sorts_by_a_column_and_filters_by_action(web: TestClient) -> None:
    sign_in(web, Role.SUPERVISOR)
    oldest = web.get("/audit", params={"sort": "seq", "dir": "asc", "per_page": "2"}).text
    assert [int(s) for s in SEQ_CELL.findall(oldest)] == [1, 2]
    logins = web.get("/audit", params={"action": "login"}).text
    with _database(web).session() as session:
        expected = sum(1 for e in audit.recent_events(session, 100_000) if "login" in e.action)
    assert _count(logins)[2] == expected
    assert "entities.import</code>" not in logins


def test_a_bad_page_or_sort_gets_the_default_table_not_an_error(web: TestClient) -> None:
    sign_in(web, Role.SUPERVISOR)
    for params in ({"page": "x"}, {"page": "999999"}, {"sort": "password"}, {"per_page": "-1"}):
        response = web.get("/audit", params=params)
        assert response.status_code == 200, params
        assert _count(response.text)[2] == _audit_total(web) - 0


def test_exporting_the_audit_log_writes_every_filtered_row_and_is_itself_audited(
    web: TestClient,
) -> None:
    sign_in(web, Role.SUPERVISOR)
    response = web.get(
        "/audit", params={"export": "csv", "per_page": "2", "sort": "seq", "dir": "asc"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = _csv(response.text)
    assert rows[0] == ["#", "When", "Who", "Action", "Resource", "Detail"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, len(rows)))  # all, not one page
    with _database(web).session() as session:
        last = audit.recent_events(session, 1)[0]
    assert (last.actor, last.action, last.resource) == ("supervisor", "export.csv", "table:audit")
    assert json.loads(last.detail)["rows"] == len(rows) - 1


def test_the_users_table_filters_by_role_and_exports_with_an_audit_row(web: TestClient) -> None:
    sign_in(web, Role.ADMIN)
    page = web.get("/users", params={"role": "investigator"}).text
    assert _count(page) == (1, 1, 1) and "<td>investigator</td>" in page
    assert _count(web.get("/users").text)[2] == len(STAFF_ROLES)
    rows = _csv(web.get("/users", params={"export": "csv", "q": "officer"}).text)
    assert [r[0] for r in rows[1:]] == ["frontline-officer"]
    with _database(web).session() as session:
        last = audit.recent_events(session, 1)[0]
    assert (last.action, last.resource) == ("export.csv", "table:users")


def test_a_role_that_may_not_read_the_audit_log_may_not_export_it(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    response = web.get("/audit", params={"export": "csv"})
    assert response.status_code == 403 and "text/html" in response.headers["content-type"]


GOOD_LINES = (
    b'{"id": "up-1", "schema": "Person", "properties": {"name": ["Ayesha Rahman"]}}\n'
    b'{"id": "up-2", "schema": "Company", '
    b'"properties": {"name": ["\xe9\x87\x91\xe7\xba\xbf Ltd"]}}\n'
)
BAD_LINES = GOOD_LINES + b'{"id": "up-3", "schema": "NoSuchSchema", "properties": {}}\nnot json\n'


def _upload(client: TestClient, data: bytes, token: str, source: str = "case-77") -> str:
    """The page after the upload: the job's page once the job has ended (the upload goes
    there), or the Entities page with the refusal when no job was started."""
    files = {"file": ("seized.ijson", data, "application/json")}
    response = client.post(
        "/entities/import",
        data={"source": source, "csrf_token": token},
        files=files,
        follow_redirects=False,
    )
    if response.status_code == 303:
        job_page = response.headers["location"]
        assert job_page.startswith("/jobs/")
        jobs.runner().wait(int(job_page.rsplit("/", 1)[1]), 120)
        response = client.get(job_page)
    return f"{response.status_code}\n{response.text}"


def test_an_uploaded_ftm_file_is_imported_through_the_same_loader(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/entities").text)
    first = _upload(web, GOOD_LINES, token)
    assert first.startswith("200") and "2 entities" in first
    again = _upload(web, GOOD_LINES, token)
    assert "already imported" in again
    found = web.get("/entities", params={"q": "Ayesha Rahman"}).text
    assert 'href="/entities/up-1"' in found


def test_a_refused_file_imports_nothing_and_reports_each_bad_line(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/entities").text)
    report = _upload(web, BAD_LINES, token)
    assert report.startswith("200") and "Nothing was loaded." in report and "Failed" in report
    assert "Row 3" in report and "Row 4" in report
    nothing = web.get("/entities", params={"q": "Ayesha Rahman"}).text
    assert "No entity matches" in nothing and "/entities/up-1" not in nothing


def test_an_upload_without_the_forms_token_or_file_is_refused(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    assert "This form has expired" in _upload(web, GOOD_LINES, "forged")
    token = form_token(web.get("/entities").text)
    empty = web.post("/entities/import", data={"source": "x", "csrf_token": token})
    assert empty.status_code == 422 and "Choose a file" in empty.text


def test_an_upload_larger_than_the_cap_is_refused_before_it_is_read(
    web: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ctip.web.upload.MAX_UPLOAD_BYTES", 1024)
    monkeypatch.setattr("ctip.web.upload.FORM_OVERHEAD_BYTES", 0)
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/entities").text)
    refused = _upload(web, GOOD_LINES * 20, token)
    assert refused.startswith("413") and "larger than" in refused


def test_a_role_that_reads_but_does_not_write_entities_gets_no_upload(web: TestClient) -> None:
    sign_in(web, Role.VICTIM_SPECIALIST)
    page = web.get("/entities")
    assert page.status_code == 200 and "Import entities" not in page.text
    response = web.post("/entities/import", data={"csrf_token": form_token(page.text)})
    assert response.status_code == 403


def test_a_refused_sign_in_keeps_the_username_and_marks_no_field_wrongly(web: TestClient) -> None:
    token = form_token(web.get("/login").text)
    body = {"username": "investigator", "password": "wrong", "csrf_token": token}
    page = web.post("/login", data=body).text
    assert 'value="investigator"' in page and 'for="username"' in page
    assert 'type="password" id="password" name="password" required' in page  # never echoed


def test_an_upload_form_field_with_nul_is_refused_and_nothing_is_loaded(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/entities").text)
    refused = _upload(web, GOOD_LINES, token, source="case\x0077")
    assert refused.startswith("422") and "NUL character" in refused
    assert "/entities/up-1" not in web.get("/entities", params={"q": "Ayesha Rahman"}).text


def test_a_job_page_shows_progress_until_the_job_ends_and_only_to_its_owner(
    web: TestClient,
) -> None:
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/entities").text)
    done = _upload(web, GOOD_LINES, token, source="case-78")
    assert "Done" in done and "Imported seized.ijson as case-78: 2 entities" in done
    job_path = re.search(r'href="(/jobs/\d+)"', done)
    assert job_path, "the job page links to itself"
    web.cookies.clear()
    sign_in(web, Role.TRADE_ANALYST)
    assert web.get(job_path.group(1)).status_code == 404
    web.cookies.clear()
    sign_in(web, Role.SUPERVISOR)
    assert web.get(job_path.group(1)).status_code == 200
