"""The intake pages: the public tip form (no sign-in, honeypot, minimum time, the code shown
once), adding to a tip, the officer's screening form and pages, the triage and allegation
queues with their explanations and decision forms, each refused to the other roles."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ctip.intake import abuse
from ctip.model.roles import Role
from tests.support.workbench import form_token, sign_in

ACK = re.compile(r'id="acknowledgement">([A-Z0-9-]+)<')
TIP_FORM = {
    "reporter_location": "inside_us",
    "activity": "labor trafficking",
    "narrative": "Men from the farm are locked in a barn at night and paid nothing.",
    "phones": "(713) 555-0199\n",
    "website": "",
}


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests fill the form faster than a person: the minimum time to fill is lifted."""
    monkeypatch.setattr(abuse, "MIN_FILL_SECONDS", 0.0)


def _send_tip(web: TestClient, **changes: str) -> tuple[int, str]:
    token = form_token(web.get("/tip").text)
    response = web.post("/tip", data={**TIP_FORM, **changes, "csrf_token": token})
    return response.status_code, response.text


def test_the_public_sends_a_tip_without_signing_in_and_adds_to_it(
    web: TestClient, no_wait: None
) -> None:
    page = web.get("/tip")
    assert page.status_code == 200 and "Report suspected human trafficking" in page.text
    assert "Signed in as" not in page.text
    status, text = _send_tip(web, ilo_indicators="7")
    assert status == 201
    match = ACK.search(text)
    assert match, text
    token = form_token(web.get("/tip/more").text)
    added = web.post(
        "/tip/more",
        data={
            "acknowledgement": match.group(1),
            "narrative": "Also a white van.",
            "csrf_token": token,
        },
    )
    assert added.status_code == 200 and "was added to your tip" in added.text
    wrong = web.post(
        "/tip/more",
        data={"acknowledgement": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "narrative": "x", "csrf_token": token},
    )
    assert wrong.status_code == 404 and "no tip has this acknowledgement code" in wrong.text


def test_a_script_is_refused_by_the_honeypot_and_the_time_to_fill(web: TestClient) -> None:
    status, text = _send_tip(web)  # at once: faster than a person
    assert status == 400 and "could not be taken" in text and "locked in a barn" in text
    abuse_free = pytest.MonkeyPatch()
    abuse_free.setattr(abuse, "MIN_FILL_SECONDS", 0.0)
    try:
        status, _ = _send_tip(web, website="http://spam.example")
        assert status == 400
        status, text = _send_tip(web, narrative="")
        assert status == 400 and "tell what you saw" in text
    finally:
        abuse_free.undo()


def _screen(web: TestClient, **changes: str) -> tuple[int, str, str]:
    token = form_token(web.get("/intake/screenings/new").text)
    body = {
        "csrf_token": token,
        "draft_id": "page-draft-0001",
        "place": "Terminal E",
        "port": "IAH",
        "encountered_on": "2026-01-05",
        "q:blue.minor_commercial_sex": "yes",
        "referral": "none",
        **changes,
    }
    response = web.post("/intake/screenings", data=body)
    return response.status_code, response.headers.get("location", ""), response.text


def test_an_officer_records_a_screening_and_only_they_see_it(web: TestClient) -> None:
    sign_in(web, Role.FRONTLINE_OFFICER)
    form = web.get("/intake/screenings/new")
    assert form.status_code == 200 and "intake-screening.js" in form.text
    assert "a yes refers at once" in form.text
    status, location, _ = _screen(web)
    assert status == 303 and location.startswith("/intake/screenings/SCR-20260105-")
    shown = web.get(location)
    assert "Refer" in shown.text and "HSI tip queue" in shown.text
    assert 'data-feature="blue.minor_commercial_sex"' in shown.text
    assert 'data-sent-draft="page-draft-0001"' in shown.text
    status, _, text = _screen(web, draft_id="page-draft-0002", subject_name="Maria")
    assert status == 400 and "unless the person consents" in text
    assert location.split("?")[0].rsplit("/", 1)[1] in web.get("/intake/screenings").text
    web.post("/logout", data={"csrf_token": form_token(web.get("/").text)})
    sign_in(web, Role.INVESTIGATOR)
    assert web.get("/intake/screenings").status_code == 403


def test_the_analyst_triages_a_tip_from_its_page(web: TestClient, no_wait: None) -> None:
    _send_tip(web)
    _send_tip(web, narrative="Another tip giving the same phone number as before.")
    sign_in(web, Role.INTEL_ANALYST)
    queue = web.get("/intake/tips?status=new")
    assert queue.status_code == 200
    tip_ids = re.findall(r'href="/intake/tips/(TIP-[A-Z0-9]+)"', queue.text)
    assert len(set(tip_ids)) == 2
    assert queue.text.count("<strong>1</strong> other tip<") == 2
    page = web.get(f"/intake/tips/{tip_ids[0]}")
    assert "possible duplicate" in page.text and 'data-feature="same_phone"' in page.text
    token = form_token(page.text)
    refused = web.post(
        f"/intake/tips/{tip_ids[0]}/decision",
        data={"decision": "accepted", "reason": "credible", "csrf_token": token},
    )
    assert refused.status_code == 400 and "the case id" in refused.text
    done = web.post(
        f"/intake/tips/{tip_ids[0]}/decision",
        data={"decision": "closed", "reason": "duplicate of the other", "csrf_token": token},
    )
    assert done.status_code == 303
    assert "duplicate of the other" in web.get(f"/intake/tips/{tip_ids[0]}").text
    assert "received in FY" in web.get("/intake/tips?fy=2026").text
    none_then = web.get("/intake/tips?fy=2001")
    assert none_then.status_code == 200 and "No tips" in none_then.text
    assert web.get("/intake/tips?fy=99").status_code == 400
    export = web.get("/intake/tips?export=csv")
    assert export.status_code == 200 and export.text.count("TIP-") == 2
    assert web.get("/intake/allegations").status_code == 403


def test_the_trade_analyst_reviews_allegations(web: TestClient, no_wait: None) -> None:
    status, _ = _send_tip(
        web, activity="forced labor in goods", company="Acme Gloves", goods="gloves", country="MY"
    )
    assert status == 201
    sign_in(web, Role.TRADE_ANALYST)
    queue = web.get("/intake/allegations")
    assert "Acme Gloves" in queue.text
    tip_id = re.findall(r'href="/intake/allegations/(TIP-[A-Z0-9]+)"', queue.text)[0]
    page = web.get(f"/intake/allegations/{tip_id}")
    assert "Against the lists: no listed party" in page.text
    assert web.get(f"/intake/tips/{tip_id}").status_code == 403
    home = web.get("/")
    assert "Allegations to review" in home.text


def test_the_web_form_shares_the_per_client_limit(web: TestClient, no_wait: None) -> None:
    codes = [_send_tip(web)[0] for _ in range(abuse.LIMIT + 1)]  # each from a fresh form
    assert codes[: abuse.LIMIT] == [201] * abuse.LIMIT
    assert codes[abuse.LIMIT] == 429
    token = form_token(web.get("/tip").text)
    refused = web.post("/tip", data={**TIP_FORM, "csrf_token": token})
    assert refused.status_code == 429 and "wait a minute" in refused.text
    assert "locked in a barn" in refused.text  # nothing typed is lost


def test_the_sign_in_page_and_every_footer_lead_the_public_to_the_tip_form(
    web: TestClient,
) -> None:
    login = web.get("/login")
    assert 'href="/tip"' in login.text and "send a tip" in login.text
    tip_form = web.get("/tip")
    assert tip_form.status_code == 200 and 'name="narrative"' in tip_form.text
