"""The workbench fixtures of tests/web, for the resolve pages."""

from tests.web.conftest import seeded_settings, seeded_sqlite, web

__all__ = ["seeded_settings", "seeded_sqlite", "web"]
