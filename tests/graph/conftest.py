"""The workbench fixtures (a seeded store with the donations, a live server, Chromium)."""

from __future__ import annotations

from tests.web.conftest import seeded_settings, seeded_sqlite, web
from tests.web.test_browser import live_server, page

__all__ = ["live_server", "page", "seeded_settings", "seeded_sqlite", "web"]
