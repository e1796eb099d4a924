"""The lists pages over TestClient: loaded lists and editions, a list's entries in the
workbench table (search in any script, filters, export), and a list file uploaded from the
browser with the report of its bad rows."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import create_app
from ctip.config import Settings
from ctip.lists.demo import TEAM_LIST, seed_demo
from ctip.model.roles import Role
from ctip.store import jobs
from ctip.store.db import Database
from tests.api.jobs import JOB_WAIT_SECONDS
from tests.support.workbench import form_token, sign_in

LIST_URL = f"/lists/{TEAM_LIST}"
GOOD_FILE = b"id,name,schema,country\nx-1,Nur Trading FZE,Company,ae\nx-2,Ali Hassan,Person,ae\n"
BAD_FILE = (
    b"id,name,schema,country\nx-1,Nur Trading FZE,Company,ae\n,No Id,Person,ae\nx-3,,Person,\n"
)


@pytest.fixture
def lists_web(seeded_settings: Settings) -> Iterator[TestClient]:
    """The seeded workbench with the demo team's watchlist loaded."""
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        seed_demo(session)
    database.dispose()
    with TestClient(create_app(seeded_settings), follow_redirects=False) as client:
        yield client


def test_the_lists_page_shows_each_list_with_its_latest_edition(lists_web: TestClient) -> None:
    sign_in(lists_web, Role.TRADE_ANALYST)
    page = lists_web.get("/lists").text
    assert f'href="/lists/{TEAM_LIST}"' in page and "demo-1" in page
    assert 'href="/lists" aria-current="page"' in page  # in the navigation


def test_entries_are_searched_in_any_script_and_filtered_by_type(lists_web: TestClient) -> None:
    sign_in(lists_web, Role.INVESTIGATOR)
    chinese = lists_web.get(LIST_URL, params={"q": "金线"}).text
    assert (
        "tw-1" in chinese and "tw-3" not in chinese and "<bdi>金线服装贸易有限公司</bdi>" in chinese
    )
    people = lists_web.get(LIST_URL, params={"schema": "Person"}).text
    assert "tw-3" in people and "tw-1" not in people
    by_name = lists_web.get(LIST_URL, params={"sort": "name", "dir": "desc"}).text
    assert by_name.index("Viktor Salnikov") < by_name.index("Golden Thread Apparel")


def test_the_export_holds_every_filtered_entry(lists_web: TestClient) -> None:
    sign_in(lists_web, Role.INVESTIGATOR)
    response = lists_web.get(LIST_URL, params={"export": "csv", "schema": "Company"})
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["tw-1", "tw-2"]
    assert rows[1][2] == "Golden Thread Trading; 金线服装贸易有限公司"


def test_an_unknown_list_or_edition_is_a_404_page(lists_web: TestClient) -> None:
    sign_in(lists_web, Role.INVESTIGATOR)
    assert lists_web.get("/lists/no-such-list").status_code == 404
    assert lists_web.get(LIST_URL, params={"edition": "nope"}).status_code == 404


def _upload(client: TestClient, data: bytes, **fields: str) -> tuple[int, str]:
    """Upload a list file; (the answer's status, the page the browser shows in the end): the
    job's page once the job has ended when the upload was handed to a job (303)."""
    token = form_token(client.get("/lists").text)
    files = {"file": ("names.csv", data, "text/csv")}
    body = {"csrf_token": token, "format": "watchlist", **fields}
    response = client.post("/lists/load", data=body, files=files)
    location = response.headers.get("location", "")
    if response.status_code != 303 or not location.startswith("/jobs/"):
        return response.status_code, response.text
    jobs.runner().wait(int(location.removeprefix("/jobs/")), JOB_WAIT_SECONDS)
    page = client.get(location)
    assert page.status_code == 200, page.text
    return response.status_code, page.text


def test_a_list_file_uploaded_in_the_browser_becomes_an_edition(lists_web: TestClient) -> None:
    sign_in(lists_web, Role.TRADE_ANALYST)
    status, page = _upload(lists_web, GOOD_FILE, list_name="gulf-team", edition="2024-06")
    assert status == 303 and "job-done" in page
    assert "names.csv into gulf-team" in page and "2 entries" in page
    assert '<a href="/lists">Back to Lists</a>' in page
    entries = lists_web.get("/lists/gulf-team").text
    assert "Nur Trading FZE" in entries and "2024-06" in entries


def test_a_refused_list_file_loads_nothing_and_names_each_bad_row(lists_web: TestClient) -> None:
    sign_in(lists_web, Role.TRADE_ANALYST)
    status, page = _upload(lists_web, BAD_FILE, list_name="gulf-team")
    assert status == 303 and "job-failed" in page and "Nothing was loaded." in page
    assert page.count('<span class="row-number">') == 2
    assert lists_web.get("/lists/gulf-team").status_code == 404


@pytest.mark.parametrize(
    ("data", "fields", "said"),
    [
        (b"id,name\nx-1,Caf\xe9 Ltd\n", {}, "not UTF-8"),
        (GOOD_FILE, {"format": "nope"}, "unknown format"),
        (GOOD_FILE, {"edition": "not a label"}, "edition"),
    ],
    ids=["encoding", "format", "edition"],
)
def test_what_can_be_refused_at_once_stays_on_the_page_without_a_job(
    lists_web: TestClient, data: bytes, fields: dict[str, str], said: str
) -> None:
    sign_in(lists_web, Role.TRADE_ANALYST)
    status, page = _upload(lists_web, data, list_name="gulf-team", **fields)
    assert status == 422 and "Nothing was loaded." in page and said in page
    assert 'value="gulf-team"' in page  # the typed name is kept
    assert lists_web.get("/lists/gulf-team").status_code == 404


def test_an_official_edition_is_approved_with_the_button_by_another_person(
    lists_web: TestClient, seeded_settings: Settings
) -> None:
    sign_in(lists_web, Role.TRADE_ANALYST)
    status, job = _upload(lists_web, GOOD_FILE, list_name="uflpa", edition="2024-06")
    assert status == 303 and "approves it" in job
    own = lists_web.get("/lists/uflpa").text
    assert "pending" in own and "Approve edition" not in own  # a trade analyst never approves
    with TestClient(create_app(seeded_settings), follow_redirects=False) as supervisor:
        sign_in(supervisor, Role.SUPERVISOR)
        page = supervisor.get("/lists/uflpa").text
        assert "Approve edition 2024-06" in page
        body = {"csrf_token": form_token(page), "decision": "approve", "why": "checked"}
        url = "/lists/uflpa/editions/2024-06/decide"
        assert supervisor.post(url, data={**body, "why": ""}).status_code == 422
        done = supervisor.post(url, data=body)
        assert done.status_code == 303, done.text
        after = supervisor.get("/lists/uflpa").text
        assert "approved (screening reads it): supervisor" in after
        assert "Approve edition" not in after


def test_an_investigator_cannot_load_an_official_list_in_the_browser(
    lists_web: TestClient,
) -> None:
    sign_in(lists_web, Role.INVESTIGATOR)
    status, page = _upload(lists_web, GOOD_FILE, list_name="uflpa", edition="2099-01-01")
    assert status == 403 and "official list" in page
    assert lists_web.get("/lists/uflpa").status_code == 404


def test_an_uploaded_list_file_is_spooled_for_its_job_and_deleted_after(
    lists_web: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job reads a temporary file, not the upload's bytes; none is left once the job has
    ended (done or failed) or the upload was refused on the page (a taken edition label)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    sign_in(lists_web, Role.TRADE_ANALYST)
    assert _upload(lists_web, GOOD_FILE, list_name="gulf-team", edition="v1")[0] == 303
    assert _upload(lists_web, BAD_FILE, list_name="gulf-team")[0] == 303
    taken = _upload(
        lists_web, BAD_FILE.replace(b"\n", b"\r\n"), list_name="gulf-team", edition="v1"
    )
    assert taken[0] == 409
    assert list(tmp_path.glob("ctip-list-*")) == []
