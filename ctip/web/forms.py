"""The form helper every workbench form uses: what the person typed, kept after a refusal,
and each error shown next to the field it is about (the `_form.html` macros render them).

An officer who mistypes one date in a five-field form must not type the other four again,
and a screen reader must hear which field is wrong: the error is linked to its input by
`aria-describedby` and the label names the input by `for`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Form, Request, Response

from ctip.authz.policy import Principal
from ctip.model.errors import CtipError
from ctip.web.auth import CSRF_FIELD, csrf_ok
from ctip.web.frame import form_expired
from ctip.web.rendering import redirect

DATE_HINT = "Use the date picker, or type the date as YYYY-MM-DD."
FormText = Annotated[str, Form()]
"""A text field of a posted form ('' when the form left it out)."""
Token = Annotated[str, Form(alias=CSRF_FIELD)]
"""The session's CSRF token, posted back by every workbench form."""


@dataclass(frozen=True)
class FormState:
    """The values a form was sent with, an error per field, and an error about the whole form."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    message: str = ""

    def value(self, name: str) -> str:
        """What the person typed into a field ('' for a fresh form)."""
        return self.values.get(name, "")

    def error(self, name: str) -> str:
        """The error about a field ('' when it is fine)."""
        return self.errors.get(name, "")

    @property
    def reason(self) -> str:
        """The refusal in one line (for a page that shows one message, not one per field)."""
        return self.message or next(iter(self.errors.values()), "")

    @property
    def failed(self) -> bool:
        """Whether the form was refused (the page answers 400 and shows it again)."""
        return bool(self.errors or self.message)


EMPTY_FORM = FormState()


def date_errors(values: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """An error for each named field holding something other than a calendar date
    (an empty field is left to the service: it may mean today)."""
    errors = {}
    for name in names:
        text = values.get(name, "").strip()
        if text and not _is_date(text):
            errors[name] = f"“{text[:20]}” is not a date. {DATE_HINT}"
    return errors


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == len("2024-01-31")


def refused(values: Mapping[str, str], error: CtipError | str) -> FormState:
    """A form refused by the service: an error naming a field goes next to it, the rest on top.

    A service names the field in its error details (`{"field": "reason", "reason": ...}`).
    """
    if isinstance(error, str):
        return FormState(dict(values), {}, error)
    errors = dict(_field_errors(error.details, values))
    message = "" if errors else error.message
    return FormState(dict(values), errors, message)


def _field_errors(details: Iterable[Any], values: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    for detail in details:
        if isinstance(detail, Mapping) and detail.get("field") in values:
            yield str(detail["field"]), str(detail.get("reason", detail.get("message", "")))


Done = TypeVar("Done")
ShowForm = Callable[[FormState, int], Response]
"""The page that shows a refused form again: the form as typed, and the refusal's status
(400 for a field that is not a date or a plain `ValueError`; a service refusal's own status)."""


def take_form(
    request: Request,
    principal: Principal,
    token: str,
    values: Mapping[str, str],
    step: Callable[[], Done],
    show: ShowForm,
    done: str | Callable[[Done], str],
    dates: Iterable[str] = (),
    refusals: tuple[type[Exception], ...] = (CtipError,),
) -> Response:
    """Take a posted workbench form the one way every page does.

    A stale token gets the 403 "form expired" page; a field that is not a date, or a step the
    service refuses (any of `refusals`), shows the form again through `show` as it was typed,
    each reason beside its field; a step done answers 303 to `done` (or to the address `done`
    makes of what the step returned, e.g. a new record), so a reload never posts twice.
    """
    if not csrf_ok(request, token):
        return form_expired(request, principal)
    bad = date_errors(values, dates)
    if bad:
        return show(FormState(dict(values), bad), 400)
    try:
        outcome = step()
    except refusals as error:
        return show(*_refusal(values, error))
    return redirect(done if isinstance(done, str) else done(outcome))


def _refusal(values: Mapping[str, str], error: Exception) -> tuple[FormState, int]:
    if isinstance(error, CtipError):
        return refused(values, error), error.http_status
    return refused(values, str(error)), 400
