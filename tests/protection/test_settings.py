"""The victim identity key: required outside development, a key file wins, the development
key only where no real data can be (with a warning)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from ctip.config import DEVELOPMENT_VICTIM_KEY, Environment, Settings
from ctip.protection import crypto

SAFE: dict[str, object] = {
    "secret_key": "k" * 48,
    "secure_cookies": True,
    "audit_key": SecretStr("a" * 48),
}


def test_production_refuses_a_missing_or_short_victim_key() -> None:
    with pytest.raises(ValidationError, match="CTIP_VICTIM_KEY"):
        Settings(env=Environment.PRODUCTION, **SAFE)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="victim key must be at least 32"):
        Settings(env=Environment.PRODUCTION, victim_key=SecretStr("short"), **SAFE)  # type: ignore[arg-type]


def test_a_key_file_wins_and_seals_differently(tmp_path: Path) -> None:
    key_file = tmp_path / "victim.key"
    key_file.write_text("v" * 40 + "\n")
    settings = Settings(
        env=Environment.PRODUCTION, victim_key=SecretStr("w" * 48), victim_key_file=key_file, **SAFE
    )  # type: ignore[arg-type]
    assert settings.victim_key_material() == b"v" * 40
    sealed = crypto.seal({"names": ["x"]}, "V-2021-0001", crypto.cipher_for(b"v" * 40))
    with pytest.raises(crypto.IdentityUnreadable):
        crypto.unseal(sealed, "V-2021-0001", crypto.cipher_for(DEVELOPMENT_VICTIM_KEY))


def test_development_uses_the_published_key_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(env=Environment.DEVELOPMENT)
    assert settings.victim_key_material() == DEVELOPMENT_VICTIM_KEY
    crypto._from_settings = None
    with caplog.at_level(logging.WARNING, logger="ctip.protection.crypto"):
        crypto._cipher_of(settings)
    assert "development key" in caplog.text
