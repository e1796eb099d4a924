"""The page frame every workbench page shares: who is signed in, their areas, error pages."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from ctip.authz.policy import Principal
from ctip.web import views
from ctip.web.auth import csrf_token
from ctip.web.rendering import render


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
