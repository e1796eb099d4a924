"""Response headers every answer of the API carries, whatever route or refusal produced it.

API answers hold personal data (entities, victims' records, audit rows): `Cache-Control:
no-store` keeps them out of browser and proxy caches, so a shared workstation or a proxy does
not keep a copy. When cookies are secure (HTTPS deployments) every answer also carries
`Strict-Transport-Security`, so a browser never again sends the session over plain HTTP.
The workbench's pages set their own headers (`ctip.web.rendering.SECURITY_HEADERS`).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PATH = "/api/"
NO_STORE = "no-store"
HSTS = "max-age=31536000; includeSubDomains"


class ResponseHeadersMiddleware:
    """No-store on API answers; HSTS on every answer when `hsts` is on."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope.get("path", "")).startswith(API_PATH)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if is_api:
                    headers["Cache-Control"] = NO_STORE
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, with_headers)
