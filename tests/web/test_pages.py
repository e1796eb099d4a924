"""The workbench pages over TestClient: sign-in, refusals, search, the entity page."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from ctip.authz import audit
from ctip.model.roles import STAFF_ROLES, Role
from ctip.store.db import Database
from tests.conftest import TEST_PASSWORD
from tests.support.workbench import form_token, import_lines, sign_in

DACHNER_ID = "f9c295f21b233ac878fbac4d271bb6fd13d7952a"
MLPD_ID = "6d03aec76fdeec8f9697d8b19954ab6fc2568bc8"
PAYMENT_ID = "2216b422a31242fe204654ce194864661f515921"


def _database(client: TestClient) -> Database:
    """The store behind the client's app."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def _audit_actions(client: TestClient) -> list[tuple[str, str, str]]:
    """The newest audit events as (actor, action, detail)."""
    with _database(client).session() as session:
        return [(e.actor, e.action, e.detail) for e in audit.recent_events(session, 20)]


def test_signed_out_pages_redirect_to_login(web: TestClient) -> None:
    for path in ("/", "/entities", f"/entities/{DACHNER_ID}", "/audit", "/users"):
        response = web.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login"


def test_htmx_request_signed_out_is_told_to_leave_the_page(web: TestClient) -> None:
    response = web.get("/entities?q=x", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_login_form_carries_a_csrf_token(web: TestClient) -> None:
    response = web.get("/login")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert len(form_token(response.text)) >= 32


def test_login_without_or_with_a_wrong_csrf_token_is_refused(web: TestClient) -> None:
    token = form_token(web.get("/login").text)
    body = {"username": "admin", "password": TEST_PASSWORD}
    for csrf in ("", "not-" + token):
        response = web.post("/login", data={**body, "csrf_token": csrf})
        assert response.status_code == 403
        assert "This form has expired" in response.text
    assert web.get("/").status_code == 303  # still signed out


def test_csrf_token_of_another_session_is_refused(web: TestClient) -> None:
    token = form_token(web.get("/login").text)
    web.cookies.clear()
    web.get("/login")  # a fresh session with a token of its own
    body = {"username": "admin", "password": TEST_PASSWORD, "csrf_token": token}
    assert web.post("/login", data=body).status_code == 403


def test_wrong_password_is_401_re_rendered_and_audited(web: TestClient) -> None:
    token = form_token(web.get("/login").text)
    body = {"username": "investigator", "password": "wrong-password", "csrf_token": token}
    response = web.post("/login", data=body)
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    assert 'value="investigator"' in response.text  # the username is kept, never the password
    assert "wrong-password" not in response.text
    actor, action, detail = _audit_actions(web)[0]
    assert (actor, action) == ("investigator", "login.failed")
    assert json.loads(detail)["channel"] == "web"


def test_sign_in_goes_home_and_greets_with_role_and_areas(web: TestClient) -> None:
    sign_in(web, Role.ADMIN)
    page = web.get("/")
    assert page.status_code == 200
    assert "Welcome, admin" in page.text
    assert "Admin" in page.text
    for path in ("/entities", "/users", "/audit"):
        assert f'href="{path}"' in page.text
    assert "Sign out" in page.text
    assert _audit_actions(web)[0][:2] == ("admin", "login")


def test_home_lists_only_the_areas_a_role_may_use(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    page = web.get("/").text
    assert 'href="/entities"' in page
    assert 'href="/users"' not in page
    assert 'href="/audit"' not in page


@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda r: r.value)
def test_every_staff_role_opens_an_area_from_home(web: TestClient, role: Role) -> None:
    """No role signs in to an empty workbench (front-line officers and outreach staff did)."""
    sign_in(web, role)
    page = web.get("/").text
    assert role.label in page
    assert "No workbench area is open to your role" not in page
    assert 'class="card"' in page


def test_login_page_when_signed_in_goes_home(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    response = web.get("/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_frontline_officer_gets_a_403_page_on_audit_users_and_entities(web: TestClient) -> None:
    sign_in(web, Role.FRONTLINE_OFFICER)
    for path in ("/audit", "/users", "/entities", f"/entities/{DACHNER_ID}"):
        response = web.get(path)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Not allowed" in response.text
        assert "frontline-officer" in response.text  # who is signed in
        assert "Sign out" in response.text


def test_investigator_may_not_open_audit_or_users(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    assert web.get("/audit").status_code == 403
    assert web.get("/users").status_code == 403


def test_search_by_name_lists_the_donor_with_schema_and_source(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    page = web.get("/entities", params={"q": "lina dachner"})
    assert page.status_code == 200
    assert "<html" in page.text
    assert f'href="/entities/{DACHNER_ID}"><bdi>Frau Lina Dachner</bdi></a>' in page.text
    assert "<td>Person</td>" in page.text
    assert "<td>donations</td>" in page.text
    assert 'value="lina dachner"' in page.text  # the form keeps the query (works without JS)


def test_search_with_nothing_found_says_so(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    page = web.get("/entities", params={"q": "nobody-by-this-name"}).text
    assert "No entity matches the name" in page


def test_htmx_search_returns_only_the_results_fragment(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    response = web.get("/entities", params={"q": "MLPD"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text
    assert f'href="/entities/{MLPD_ID}"><bdi>MLPD</bdi></a>' in response.text


def test_history_restore_gets_the_whole_page(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = web.get("/entities", params={"q": "MLPD"}, headers=headers)
    assert "<html" in response.text


def test_search_by_identifier_in_another_format(web: TestClient) -> None:
    line = {
        "id": "test-phone-holder",
        "schema": "Person",
        "properties": {"name": ["Test Holder"], "phone": ["+49 30 1234567"]},
    }
    import_lines(_database(web), json.dumps(line).encode() + b"\n", "test-phones")
    sign_in(web, Role.INVESTIGATOR)
    page = web.get("/entities", params={"identifier": "+49 (30) 123-4567"}).text
    assert 'href="/entities/test-phone-holder"><bdi>Test Holder</bdi></a>' in page
    assert "Identifier matches" in page


def test_entity_page_shows_provenance_of_every_value(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    page = web.get(f"/entities/{DACHNER_ID}")
    assert page.status_code == 200
    text = page.text
    assert "<h1><bdi>Frau Lina Dachner</bdi></h1>" in text
    assert '<span class="schema-badge">Person</span>' in text
    assert text.count('<span class="source-name">donations</span>') == 3  # name, country, address
    first_seen = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)T', text)
    assert first_seen, "no first-seen dates"
    assert "Germany" in text  # the country code as a person reads it...
    assert '<span class="raw">de</span>' in text  # ...and as stated


def test_entity_page_shows_links_with_direction_and_edge(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    text = web.get(f"/entities/{DACHNER_ID}").text
    links = text.split('id="links-title"', 1)[1]
    assert f'href="/entities/{MLPD_ID}"><bdi>MLPD</bdi></a>' in links
    # the edge it goes through
    assert f'href="/entities/{PAYMENT_ID}"><bdi>Payment</bdi></a>' in links
    assert "Payment · Beneficiary" in links
    assert "Schillerstraße 19, 76135 Karlsruhe" in links
    assert "outgoing" in links
    assert "incoming" in links


def test_unknown_entity_is_a_404_page(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    response = web.get("/entities/no-such-entity")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in response.text


def test_everything_shown_is_escaped(web: TestClient) -> None:
    line = {"id": "test-xss", "schema": "Person", "properties": {"name": ["<b>Evil</b> Mallory"]}}
    import_lines(_database(web), json.dumps(line).encode() + b"\n", "test-xss")
    sign_in(web, Role.INVESTIGATOR)
    for page in (
        web.get("/entities", params={"q": "mallory <script>"}).text,
        web.get("/entities", params={"q": "mallory"}).text,
        web.get("/entities/test-xss").text,
    ):
        assert "<b>Evil</b>" not in page
        assert "<script>" not in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Mallory" in web.get("/entities/test-xss").text


def test_pages_forbid_caching_framing_and_foreign_scripts(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    response = web.get(f"/entities/{DACHNER_ID}")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r'(src|href)="(https?:)?//', response.text)  # nothing from elsewhere


def test_htmx_and_stylesheet_are_served_locally(web: TestClient) -> None:
    htmx = web.get("/static/htmx.min.js")
    assert htmx.status_code == 200
    assert "htmx" in htmx.text[:200]
    assert web.get("/static/ctip.css").status_code == 200
    assert "Zero-Clause BSD" in web.get("/static/htmx.min.js.LICENSE.txt").text


def test_audit_page_shows_events_and_the_last_verification(web: TestClient) -> None:
    """The page reads the last verification from the log instead of walking the chain on
    every view; a verifier asks for one with a form, and it is recorded as theirs."""
    sign_in(web, Role.SUPERVISOR)
    page = web.get("/audit")
    assert page.status_code == 200
    assert "has not been verified yet" in page.text
    assert "entities.import" in page.text and "login" in page.text
    body = {"csrf_token": form_token(page.text)}
    assert web.post("/audit/verify", data={"full": "1"}).status_code == 403
    verified = web.post("/audit/verify", data=body | {"full": "1"})
    assert (verified.status_code, verified.headers["location"]) == (303, "/audit")
    page = web.get("/audit").text
    assert "Chain intact</strong>" in page and "every row walked" in page
    assert "Latest signed checkpoint" in page
    actor, action, detail = _audit_actions(web)[0]
    assert (actor, action, json.loads(detail)["ok"]) == ("supervisor", "audit.verify", True)


def test_only_verifiers_may_ask_for_a_verification(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/").text)
    assert web.post("/audit/verify", data={"csrf_token": token}).status_code == 403


def test_users_page_lists_every_user(web: TestClient) -> None:
    sign_in(web, Role.ADMIN)
    page = web.get("/users").text
    for username in ("admin", "investigator", "frontline-officer", "victim-specialist"):
        assert f"<td>{username}</td>" in page


def test_sign_out_needs_the_token_and_ends_the_session(web: TestClient) -> None:
    sign_in(web, Role.INVESTIGATOR)
    token = form_token(web.get("/").text)
    assert web.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert web.get("/").status_code == 200  # still signed in
    response = web.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert web.get("/").status_code == 303
    with _database(web).session() as session:
        last = audit.recent_events(session, limit=1)[0]
    assert (last.actor, last.action) == ("investigator", "logout")


def test_disabled_user_is_signed_out_on_next_page(web: TestClient) -> None:
    from ctip.authz.users import set_disabled

    sign_in(web, Role.INVESTIGATOR)
    with _database(web).session() as session:
        set_disabled(session, "test", "investigator", True)
    assert web.get("/").status_code == 303


def test_web_routes_stay_out_of_the_api_schema(web: TestClient) -> None:
    paths = web.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if not p.startswith("/api/v1")]


def test_unknown_page_is_an_html_page_and_unknown_api_path_is_json(web: TestClient) -> None:
    page = web.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in page.text
    api = web.get("/api/v1/no-such-route")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
