"""Workbench pages: the specialist records a victim and reads the identity, a supervisor sees
the pseudonym until they break the glass (shown to the specialist), the deadlines queue and
a relief's step form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ctip.model.roles import Role
from ctip.protection import relief
from ctip.store.db import Database
from tests.protection.conftest import CLOCK, MARKER, MARKER_BITS
from tests.support.workbench import form_token, sign_in


def _record(web: TestClient) -> str:
    sign_in(web, Role.VICTIM_SPECIALIST)
    token = form_token(web.get("/protection/victims/new").text)
    response = web.post(
        "/protection/victims/new",
        data={
            "csrf_token": token,
            "name": MARKER,
            "birth_date": "1994-03-02",
            "identified_on": "2021-03-04",
            "exploitation": ["ForcedLabour"],
            "cases": "HSI-2021-00042",
        },
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def test_a_specialist_records_and_reads_a_victim(web: TestClient) -> None:
    victim = _record(web)
    page = web.get(f"/protection/victims/{victim}")
    assert page.status_code == 200 and MARKER in page.text and "HSI-2021-00042" in page.text
    mine = web.get("/protection")
    assert victim in mine.text and MARKER not in mine.text
    refused = web.post(
        "/protection/victims/new",
        data={"csrf_token": form_token(mine.text), "name": "X", "birth_date": "not a date"},
    )
    assert refused.status_code == 400 and "birth date" in refused.text


def test_break_glass_from_the_page_is_shown_to_the_specialist(web: TestClient) -> None:
    victim = _record(web)
    web.cookies.clear()
    sign_in(web, Role.SUPERVISOR)
    page = web.get(f"/protection/victims/{victim}")
    assert page.status_code == 200 and not any(b in page.text for b in MARKER_BITS)
    assert 'id="break-glass"' in page.text
    short = web.post(
        f"/protection/victims/{victim}/break-glass",
        data={"csrf_token": form_token(page.text), "reason": "now"},
    )
    assert short.status_code == 422 and not any(b in short.text for b in MARKER_BITS)
    reason = "victim missing from shelter; police need a description"
    opened = web.post(
        f"/protection/victims/{victim}/break-glass",
        data={"csrf_token": form_token(page.text), "reason": reason},
    )
    assert opened.status_code == 303
    assert MARKER in web.get(f"/protection/victims/{victim}").text
    web.cookies.clear()
    sign_in(web, Role.VICTIM_SPECIALIST)
    specialist_view = web.get(f"/protection/victims/{victim}")
    assert "supervisor" in specialist_view.text and reason in specialist_view.text


def test_the_deadlines_queue_and_a_relief_step(web: TestClient) -> None:
    victim = _record(web)
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        u = relief.request(
            session, "victim-specialist", victim, "u-visa", "2021-04-01", clock=CLOCK
        )
        relief.record(session, "victim-specialist", u, "supp_b_signed", "2021-04-10", clock=CLOCK)
    queue = web.get("/protection/deadlines")
    assert queue.status_code == 200 and u in queue.text and "overdue" in queue.text
    assert "waiting for a decision" in queue.text
    assert u in web.get("/protection/deadlines?days=30").text  # overdue is always in
    page = web.get(f"/protection/relief/{u}")
    assert page.status_code == 200 and "8 CFR 214.14" in page.text
    filed = web.post(
        f"/protection/relief/{u}/steps",
        data={
            "csrf_token": form_token(page.text),
            "step": "filed",
            "on": "2021-05-01",
            "receipt": "EAC2190012345",
        },
    )
    assert filed.status_code == 303
    assert "filed" in web.get(f"/protection/relief/{u}").text
    bad = web.post(
        f"/protection/relief/{u}/steps",
        data={"csrf_token": form_token(page.text), "step": "renewal_requested"},
    )
    assert bad.status_code == 400
    home = web.get("/")
    assert "Relief deadlines" in home.text
    web.cookies.clear()
    sign_in(web, Role.INVESTIGATOR)
    assert web.get("/protection/deadlines").status_code == 403
    assert web.get(f"/protection/relief/{u}").status_code == 403


def test_a_supervisor_assigns_and_a_specialist_refers(web: TestClient) -> None:
    victim = _record(web)
    page = web.get(f"/protection/victims/{victim}")
    referred = web.post(
        f"/protection/victims/{victim}/referrals",
        data={"csrf_token": form_token(page.text), "service": "shelter", "provider": "Safe House"},
    )
    assert referred.status_code == 303
    assert "Safe House" in web.get(f"/protection/victims/{victim}").text
    bad = web.post(
        f"/protection/victims/{victim}/referrals",
        data={"csrf_token": form_token(page.text), "service": "spa"},
    )
    assert bad.status_code == 422
    assert 'id="assign-form"' not in page.text
    web.cookies.clear()
    sign_in(web, Role.SUPERVISOR)
    page = web.get(f"/protection/victims/{victim}")
    wrong = web.post(
        f"/protection/victims/{victim}/assign",
        data={"csrf_token": form_token(page.text), "username": "investigator"},
    )
    assert wrong.status_code == 422 and "victim specialist" in wrong.text
    gone = web.post(
        f"/protection/victims/{victim}/assign",
        data={
            "csrf_token": form_token(page.text),
            "username": "victim-specialist",
            "remove": "yes",
        },
    )
    assert gone.status_code == 409  # the last specialist stays


def test_the_home_tile_counts_deadlines_due_soon(web: TestClient) -> None:
    victim = _record(web)
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        u = relief.request(
            session, "victim-specialist", victim, "u-visa", "2021-04-01", clock=CLOCK
        )
        relief.record(session, "victim-specialist", u, "supp_b_signed", "2021-04-10", clock=CLOCK)
    tile = re.compile(
        r'<strong class="count">(\d+)</strong>\s*<span class="work-label">Relief deadlines'
    )
    found = tile.search(web.get("/").text)
    assert found and found.group(1) == "1"
    web.cookies.clear()
    sign_in(web, Role.SUPERVISOR)
    found = tile.search(web.get("/").text)
    assert found and found.group(1) == "1"
    web.cookies.clear()
    sign_in(web, Role.INVESTIGATOR)
    assert tile.search(web.get("/").text) is None


def test_the_assigned_specialist_moves_a_referral_on_from_the_victim_page(web: TestClient) -> None:
    victim = _record(web)
    page = web.get(f"/protection/victims/{victim}")
    token = form_token(page.text)
    web.post(
        f"/protection/victims/{victim}/referrals",
        data={"csrf_token": token, "service": "legal", "provider": "Legal Aid"},
    )
    page = web.get(f"/protection/victims/{victim}")
    action = re.search(rf'action="(/protection/victims/{victim}/referrals/\d+)"', page.text)
    assert action is not None, "the assigned specialist sees a status form per referral"
    url = action.group(1)
    moved = web.post(url, data={"csrf_token": token, "status": "receiving"})
    assert moved.status_code == 303
    assert '<option value="receiving" selected>' in web.get(f"/protection/victims/{victim}").text
    bad = web.post(url, data={"csrf_token": token, "status": "lost"})
    assert bad.status_code == 422 and "unknown" in bad.text
    stale = web.post(url, data={"csrf_token": "old", "status": "completed"})
    assert stale.status_code == 403
    web.cookies.clear()
    sign_in(web, Role.SUPERVISOR)
    seen = web.get(f"/protection/victims/{victim}").text
    assert "Legal Aid" in seen and f'action="{url}"' not in seen
    token = form_token(seen)
    assert web.post(url, data={"csrf_token": token, "status": "completed"}).status_code == 403
    web.cookies.clear()
    sign_in(web, Role.VICTIM_SPECIALIST)
    assert '<option value="receiving" selected>' in web.get(f"/protection/victims/{victim}").text
