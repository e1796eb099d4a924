"""The application factory: API under /api/v1, the workbench at /, one database per app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.middleware.sessions import SessionMiddleware

from ctip import __version__
from ctip.api.errors import install_error_handlers
from ctip.api.guards import RejectNulMiddleware
from ctip.api.routes import (
    audit,
    auth,
    entities,
    graph,
    lists,
    networks,
    resolve,
    screening,
    system,
    trade,
    users,
)
from ctip.api.schemas import error_responses
from ctip.config import Settings, get_settings
from ctip.store.db import Database

API_PREFIX = "/api/v1"
SESSION_COOKIE = "ctip_session"


def api_router() -> APIRouter:
    """Every area's router under /api/v1."""
    router = APIRouter(prefix=API_PREFIX, responses=error_responses(400, 401, 403, 422))
    areas = (
        system,
        auth,
        entities,
        users,
        audit,
        lists,
        screening,
        trade,
        networks,
        resolve,
        graph,
    )
    for area in areas:
        router.include_router(area.router)
    return router


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """A ready app; the database is migrated to head on creation."""
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    database.upgrade()
    app = FastAPI(
        title="ctip",
        version=__version__,
        description="Counter-human-trafficking platform API. Every error is JSON: "
        '{"error": {"code", "message", "details"}}.',
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
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
    install_error_handlers(app)
    app.include_router(api_router())
    from ctip.web.routes import install_workbench

    install_workbench(app)
    return app
