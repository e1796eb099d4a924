"""Settings refuse unsafe defaults outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ctip.config import DEVELOPMENT_SECRET_KEY, Environment, Settings

STRONG_KEY = "k" * 48


def test_development_defaults_to_embedded_sqlite() -> None:
    settings = Settings(env=Environment.DEVELOPMENT)
    assert settings.is_sqlite and settings.database_url.endswith("var/ctip.sqlite3")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret_key": DEVELOPMENT_SECRET_KEY, "secure_cookies": True}, "development default"),
        ({"secret_key": "short", "secure_cookies": True}, "at least 32"),
        ({"secret_key": STRONG_KEY, "secure_cookies": False}, "SECURE_COOKIES"),
    ],
)
def test_production_refuses_unsafe_settings(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(env=Environment.PRODUCTION, **overrides)  # type: ignore[arg-type]


def test_production_accepts_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIP_ENV", "production")
    monkeypatch.setenv("CTIP_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("CTIP_SECURE_COOKIES", "true")
    monkeypatch.setenv("CTIP_DATABASE_URL", "postgresql://ctip@db/ctip")
    settings = Settings()
    assert settings.env is Environment.PRODUCTION and not settings.is_sqlite
