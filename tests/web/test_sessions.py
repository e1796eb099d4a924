"""Workbench sessions live on the server: a copied cookie dies with sign-out and with the user."""

from __future__ import annotations

import base64
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ctip.api.app import SESSION_COOKIE, create_app
from ctip.authz.users import set_disabled, set_password
from ctip.config import Settings
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import UserSession
from tests.support.workbench import form_token, sign_in


def _database(web: TestClient) -> Database:
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    return database


def _copy_of_cookie(web: TestClient) -> str:
    cookie = web.cookies.get(SESSION_COOKIE)
    assert cookie, "signed in, but no session cookie"
    return cookie


def _home_with(web: TestClient, cookie: str) -> int:
    """The start page's status for a request that carries only `cookie` (an attacker's copy)."""
    web.cookies.clear()
    web.cookies.set(SESSION_COOKIE, cookie)
    status: int = web.get("/").status_code
    return status


def test_a_copy_of_the_cookie_is_refused_after_sign_out(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    stolen = _copy_of_cookie(web)
    assert _home_with(web, stolen) == 200
    token = form_token(web.get("/").text)
    assert web.post("/logout", data={"csrf_token": token}).status_code == 303
    assert _home_with(web, stolen) == 303, "the old cookie must not sign anyone in"
    with _database(web).session() as session:
        reasons = session.query(UserSession.revoked_reason).all()
    assert ("signed out",) in reasons


def test_a_re_enabled_users_old_session_stays_dead(web: TestClient) -> None:
    sign_in(web, Role.INTEL_ANALYST)
    stolen = _copy_of_cookie(web)
    with _database(web).session() as session:
        set_disabled(session, "admin", "intel-analyst", True)
    with _database(web).session() as session:
        set_disabled(session, "admin", "intel-analyst", False)
    assert _home_with(web, stolen) == 303
    sign_in(web, Role.INTEL_ANALYST)  # a fresh sign-in works again
    assert web.get("/").status_code == 200


def test_a_new_password_ends_the_session(web: TestClient) -> None:
    sign_in(web, Role.OUTREACH)
    assert web.get("/").status_code == 200
    with _database(web).session() as session:
        set_password(session, "admin", "outreach", "a-brand-new-password")
    assert web.get("/").status_code == 303


def test_an_idle_or_an_expired_session_is_refused(web: TestClient) -> None:
    sign_in(web, Role.SUPERVISOR)
    cookie = _copy_of_cookie(web)
    past = "2000-01-01T00:00:00.000000Z"
    with _database(web).session() as session:
        session.execute(update(UserSession).values(idle_expires_at=past))
    assert _home_with(web, cookie) == 303, "idle too long"
    with _database(web).session() as session:
        session.execute(update(UserSession).values(idle_expires_at=None, expires_at=past))
    assert _home_with(web, cookie) == 303, "past its absolute end"


def test_the_cookie_names_nobody(web: TestClient) -> None:
    """The cookie is signed, not encrypted: it must hold a random id, not the username."""
    sign_in(web, Role.VICTIM_SPECIALIST)
    payload = _copy_of_cookie(web).split(".")[0]
    decoded = base64.b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "victim-specialist" not in decoded
    assert "sid" in decoded


def _seconds_between(start: str, end: str) -> float:
    parse = "%Y-%m-%dT%H:%M:%S.%fZ"
    return (datetime.strptime(end, parse) - datetime.strptime(start, parse)).total_seconds()


def test_the_timeouts_come_from_the_settings(seeded_settings: Settings) -> None:
    settings = seeded_settings.model_copy(
        update={"session_idle_seconds": 120, "session_max_age_seconds": 900}
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        sign_in(client, Role.ADMIN)
        with _database(client).session() as session:
            row = session.execute(select(UserSession)).scalar_one()
    assert row.idle_expires_at is not None
    assert _seconds_between(row.created_at, row.idle_expires_at) == 120
    assert _seconds_between(row.created_at, row.expires_at) == 900


def test_a_user_sees_and_ends_their_own_sessions_on_the_workbench(web: TestClient) -> None:
    sign_in(web, Role.TRADE_ANALYST)
    elsewhere = _copy_of_cookie(web)
    web.cookies.clear()
    sign_in(web, Role.TRADE_ANALYST)
    page = web.get("/sessions")
    assert page.status_code == 200
    assert page.text.count("/end") == 2, "two workbench sessions listed"
    with _database(web).session() as session:
        oldest = session.execute(select(UserSession.id).order_by(UserSession.id)).scalars().first()
    token = form_token(page.text)
    assert web.post(f"/sessions/{oldest}/end", data={"csrf_token": "forged"}).status_code == 403
    ended = web.post(f"/sessions/{oldest}/end", data={"csrf_token": token})
    assert ended.status_code == 303
    assert web.get("/sessions").text.count("/end") == 1
    assert web.post("/sessions/99999/end", data={"csrf_token": token}).status_code == 404
    assert _home_with(web, elsewhere) == 303, "the ended session no longer signs in"
