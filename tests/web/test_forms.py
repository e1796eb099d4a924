"""The one way a workbench form post is taken (`ctip.web.forms.take_form`): a field that is
not a date or a refused step shows the form again as typed; a step done answers 303."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import Request, Response

from ctip.authz.policy import Principal
from ctip.model.errors import Conflict, InvalidInput
from ctip.model.roles import Role
from ctip.web.auth import CSRF_KEY
from ctip.web.forms import FormState, take_form

TOKEN = "a-session-token"
OFFICER = Principal("officer", Role.TRADE_ANALYST, 7)


def _request() -> Request:
    """A posted request whose session holds TOKEN."""
    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "session": {}}
    scope["session"] = {CSRF_KEY: TOKEN}
    return Request(scope)


class Shown:
    """The page a refused form goes back to: records what it was shown."""

    def __init__(self) -> None:
        self.forms: list[tuple[FormState, int]] = []

    def __call__(self, form: FormState, status: int) -> Response:
        self.forms.append((form, status))
        return Response("form again", status_code=status)


def _take(
    step: Callable[[], object],
    values: dict[str, str],
    dates: tuple[str, ...] = (),
    refusals: tuple[type[Exception], ...] = (InvalidInput, Conflict),
) -> tuple[Response, Shown]:
    shown = Shown()
    response = take_form(_request(), OFFICER, TOKEN, values, step, shown, "/done", dates, refusals)
    return response, shown


def test_a_step_done_answers_303_to_the_record() -> None:
    taken: list[str] = []
    response, shown = _take(lambda: taken.append("saved"), {"title": "Indicators"})
    assert response.status_code == 303
    assert response.headers["location"] == "/done"
    assert taken == ["saved"] and shown.forms == []


def test_the_address_can_be_made_from_what_the_step_made() -> None:
    shown = Shown()
    response = take_form(
        _request(), OFFICER, TOKEN, {}, lambda: "V-0042", shown, lambda p: f"/victims/{p}"
    )
    assert response.headers["location"] == "/victims/V-0042"


def test_a_field_that_is_not_a_date_is_shown_beside_it_and_nothing_is_done() -> None:
    taken: list[str] = []
    values = {"held_on": "31/12/2021", "title": "Indicators"}
    response, shown = _take(lambda: taken.append("saved"), values, ("held_on",))
    assert response.status_code == 400 and taken == []
    form, status = shown.forms[0]
    assert status == 400
    assert "not a date" in form.error("held_on")
    assert form.value("title") == "Indicators"  # what was typed is kept


def test_a_service_refusal_naming_a_field_goes_beside_it_with_its_status() -> None:
    def step() -> None:
        raise InvalidInput("bad title", [{"field": "title", "reason": "too long"}])

    response, shown = _take(step, {"title": "x" * 10})
    form, status = shown.forms[0]
    assert status == 422 == response.status_code
    assert form.error("title") == "too long"
    assert form.reason == "too long"


def test_a_refusal_about_the_whole_form_is_its_message() -> None:
    def step() -> None:
        raise Conflict("already decided")

    _, shown = _take(step, {"outcome": "release"})
    form, status = shown.forms[0]
    assert (form.message, form.reason, status) == ("already decided", "already decided", 409)


def test_a_plain_value_error_listed_as_a_refusal_answers_400() -> None:
    def step() -> None:
        raise LookupError("no such line")

    _, shown = _take(step, {}, refusals=(LookupError,))
    form, status = shown.forms[0]
    assert (form.message, status) == ("no such line", 400)


def test_an_error_that_is_not_a_refusal_is_not_hidden() -> None:
    def step() -> None:
        raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        _take(step, {})
