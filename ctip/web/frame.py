"""The page frame every workbench page shares: who is signed in, their areas, error pages,
and the htmx fragment a page can answer with instead of itself."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from ctip.authz.policy import Principal
from ctip.web import views
from ctip.web.auth import FORM_EXPIRED, csrf_token
from ctip.web.rendering import is_fragment_request, render


def page_context(request: Request, principal: Principal | None, **extra: Any) -> dict[str, Any]:
    """What the page frame needs: who is signed in, their areas, the sign-out form's token."""
    return {
        "principal": principal,
        "areas": views.areas_for(principal, request.app.state.navigation) if principal else [],
        "csrf_token": csrf_token(request),
        "active": "",
        **extra,
    }


def error_page(
    request: Request, principal: Principal | None, status: int, message: str
) -> Response:
    """A 403 or 404 page in the workbench's frame (never the API's JSON)."""
    context = page_context(request, principal, status=status, message=message)
    return render(request, "error.html", context, status_code=status)


def form_expired(request: Request, principal: Principal | None) -> Response:
    """The 403 page for a form posted without the session's token (an old tab, another site)."""
    return error_page(request, principal, 403, FORM_EXPIRED)


def page_or_fragment(
    request: Request,
    principal: Principal,
    page: str,
    fragment: str,
    context: dict[str, Any],
    active: str,
) -> Response:
    """The whole page, or for an htmx request only the fragment it swaps in (same context)."""
    if is_fragment_request(request):
        return render(request, fragment, context)
    return render(request, page, page_context(request, principal, active=active, **context))
