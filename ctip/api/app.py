"""The application factory: API under /api/v1, the workbench at /, one database per app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.middleware.sessions import SessionMiddleware

from ctip import __version__
from ctip.api.errors import install_error_handlers
from ctip.api.guards import RejectNulMiddleware
from ctip.api.headers import ResponseHeadersMiddleware
from ctip.api.limits import BodyLimitMiddleware
from ctip.api.routes import audit, auth, entities, jobs, system, users
from ctip.api.schemas import error_responses
from ctip.areas import REGISTRY, Registry
from ctip.config import Environment, Settings, get_settings
from ctip.store import jobs as job_store
from ctip.store.db import Database
from ctip.web.routes import install_workbench

API_PREFIX = "/api/v1"
SESSION_COOKIE = "ctip_session"


def api_router(registry: Registry) -> APIRouter:
    """The platform's routers and every area's, under /api/v1."""
    router = APIRouter(prefix=API_PREFIX, responses=error_responses(400, 401, 403, 422))
    for platform in (system, auth, entities, jobs, users, audit):
        router.include_router(platform.router)
    for area_router in registry.routers():
        router.include_router(area_router)
    return router


def docs_url(settings: Settings) -> str | None:
    """Swagger UI only in development: FastAPI's page loads its script from a public CDN,
    which no other environment may run; `/api/v1/openapi.json` is served everywhere."""
    return f"{API_PREFIX}/docs" if settings.env is Environment.DEVELOPMENT else None


def create_app(
    settings: Settings | None = None,
    database: Database | None = None,
    registry: Registry = REGISTRY,
) -> FastAPI:
    """A ready app with every area of `registry`; the database is migrated to head."""
    registry.install()
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    database.upgrade()
    with database.session() as session:
        job_store.interrupt_orphans(session)
    app = FastAPI(
        title="ctip",
        version=__version__,
        description="Counter-human-trafficking platform API. Every error is JSON: "
        '{"error": {"code", "message", "details"}}.',
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=docs_url(settings),
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(RejectNulMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(ResponseHeadersMiddleware, hsts=settings.secure_cookies)
    install_error_handlers(app)
    app.include_router(api_router(registry))
    install_workbench(
        app,
        registry.navigation(),
        registry.pages(),
        registry.template_dirs(),
        registry.home_tiles(),
    )
    return app
