"""Settings refuse unsafe defaults outside development."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from ctip.config import DEVELOPMENT_SECRET_KEY, Environment, Settings

STRONG_KEY = "k" * 48
AUDIT_KEY = "a" * 48


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
    monkeypatch.setenv("CTIP_AUDIT_KEY", AUDIT_KEY)
    monkeypatch.setenv("CTIP_VICTIM_KEY", "v" * 48)
    monkeypatch.setenv("CTIP_DATABASE_URL", "postgresql://ctip@db/ctip")
    settings = Settings()
    assert settings.env is Environment.PRODUCTION and not settings.is_sqlite


SAFE: dict[str, object] = {"secret_key": STRONG_KEY, "secure_cookies": True}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "CTIP_AUDIT_KEY"),
        ({"audit_key": "short"}, "audit key must be at least 32"),
        ({"audit_key_file": "/nonexistent/audit.key"}, "cannot be read"),
    ],
)
def test_production_refuses_a_missing_or_weak_audit_key(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(env=Environment.PRODUCTION, **(SAFE | overrides))  # type: ignore[arg-type]


def test_audit_key_file_wins_over_the_setting(tmp_path: Path) -> None:
    key_file = tmp_path / "audit.key"
    key_file.write_text("f" * 40 + "\n")
    settings = Settings(
        env=Environment.PRODUCTION,
        secret_key=STRONG_KEY,
        secure_cookies=True,
        audit_key=SecretStr("a" * 48),
        audit_key_file=key_file,
        victim_key=SecretStr("v" * 48),
    )
    assert settings.audit_signing_key() == b"f" * 40


def test_development_derives_an_audit_key_from_the_secret() -> None:
    one = Settings(env=Environment.DEVELOPMENT).audit_signing_key()
    other = Settings(env=Environment.DEVELOPMENT, secret_key=STRONG_KEY).audit_signing_key()
    assert len(one) >= 32 and one != other
    assert DEVELOPMENT_SECRET_KEY.encode() not in one
