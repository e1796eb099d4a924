"""The one mapping of the error hierarchy to HTTP: status, code and body from the class.

An unexpected exception (a bare ValueError included) is a bug: a logged 500 whose body
carries the same error id as the log line, never a 4xx that blames the user.
"""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ctip.api.errors import ApiError, install_error_handlers
from ctip.ingest.errors import FileRejected, RowError
from ctip.model.errors import Conflict, CtipError, Forbidden, InvalidInput, NotFound


def _app_raising(error: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise")
    def raise_it() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (NotFound("no detention 'DET-X-001'"), 404, "not_found"),
        (Conflict("already seized"), 409, "conflict"),
        (InvalidInput("depth must be 1-3"), 422, "invalid_request"),
        (Forbidden("not your case"), 403, "forbidden"),
        (CtipError("cannot do that"), 400, "bad_request"),
        (ApiError(413, "too large"), 413, "too_large"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_each_class_answers_its_status_with_the_json_body(
    error: CtipError, status: int, code: str
) -> None:
    response = _app_raising(error).get("/raise")
    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": error.message, "details": []}}


def test_details_travel_with_the_error() -> None:
    details = [{"field": "why", "reason": "empty"}]
    response = _app_raising(InvalidInput("say why", details)).get("/raise")
    assert response.json()["error"]["details"] == details


def test_a_rejected_file_names_each_row() -> None:
    rejected = FileRejected("ads.csv", [RowError(2, "no title"), RowError(5, "bad phone")])
    response = _app_raising(rejected).get("/raise")
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"row": 2, "reason": "no title"},
        {"row": 5, "reason": "bad phone"},
    ]


def test_an_unexpected_value_error_is_a_logged_500_with_an_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="ctip.api.errors"):
        response = _app_raising(ValueError("int() of 'abc'")).get("/raise")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal"
    assert "abc" not in error["message"], "a bug's text is not shown to the user"
    error_id = error["details"][0]["error_id"]
    assert error_id in error["message"]
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None, "the log line carries the traceback"


def test_each_500_gets_its_own_id() -> None:
    client = _app_raising(KeyError("x"))
    ids = {client.get("/raise").json()["error"]["details"][0]["error_id"] for _ in range(3)}
    assert len(ids) == 3
