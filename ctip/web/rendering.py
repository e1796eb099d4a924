"""Templates and the response headers every workbench page carries.

Pages show data about victims and suspects, so each response forbids caching, framing,
referrers and any script or style that is not served by ctip itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse

from ctip.web import views

WEB_DIR = Path(__file__).parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Vary": "HX-Request, Cookie",
}


def _environment() -> jinja2.Environment:
    """Autoescape everywhere and fail loudly on a missing variable instead of printing ''."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["timestamp"] = views.timestamp
    env.filters["day"] = views.day
    env.filters["entity_href"] = views.entity_href
    env.filters["schema_label"] = views.schema_label
    return env


templates = Jinja2Templates(env=_environment())


def add_template_dirs(folders: Iterable[Path]) -> None:
    """Let pages render the areas' templates (each area keeps its own, named `<area>/...`)."""
    loader = templates.env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    for folder in folders:
        if str(folder) not in loader.searchpath:
            loader.searchpath.append(str(folder))


def harden(response: Response) -> Response:
    """Add the security and no-cache headers to a workbench response."""
    response.headers.update(SECURITY_HEADERS)
    return response


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A rendered template with the workbench's headers."""
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    return harden(response)


def redirect(path: str) -> Response:
    """A 303 redirect (after a POST the browser follows with GET), hardened like a page."""
    return harden(RedirectResponse(path, status_code=303))


def is_fragment_request(request: Request) -> bool:
    """An htmx request for a fragment, not a history restore that needs the whole page."""
    headers = request.headers
    return "hx-request" in headers and "hx-history-restore-request" not in headers
