"""One validated settings object for the whole platform.

Every setting comes from the environment with the prefix ``CTIP_`` (or a ``.env`` file).
Outside development the settings refuse the development secret key, so a deployment
cannot run with a key that is published in this repository.
"""

from __future__ import annotations

import hmac
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET_KEY = "ctip-development-key-not-for-real-data"
MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_VICTIM_KEY = b"ctip-development-victim-key-not-for-real-data"


class Environment(StrEnum):
    """Where ctip runs; only ``development`` and ``test`` accept unsafe defaults."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def default_database_url() -> str:
    """The embedded SQLite file under ``./var/``, so the demo needs no server."""
    return f"sqlite:///{Path('var') / 'ctip.sqlite3'}"


class Settings(BaseSettings):
    """The platform's settings (environment prefix ``CTIP_``)."""

    model_config = SettingsConfigDict(env_prefix="CTIP_", env_file=".env", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str = Field(default_factory=default_database_url)
    secret_key: str = DEVELOPMENT_SECRET_KEY
    session_max_age_seconds: int = Field(default=8 * 3600, gt=0)
    session_idle_seconds: int = Field(default=30 * 60, gt=0)
    api_token_ttl_seconds: int = Field(default=12 * 3600, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8765, gt=0, lt=65536)
    workers: int = Field(default=1, ge=1)
    """Server processes, each warm before it answers (at most four per core: `ctip serve`)."""
    secure_cookies: bool = False
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None
    audit_checkpoint_file: Path | None = None
    audit_checkpoint_every: int = Field(default=500, gt=0)
    default_region: str | None = Field(default=None, max_length=2)
    """Phones written without a country code are read as dialled here (ISO alpha-2)."""
    victim_key: SecretStr | None = None
    victim_key_file: Path | None = None

    @model_validator(mode="after")
    def refuse_unsafe_defaults(self) -> Self:
        """Outside development a real secret and secure cookies are required."""
        if self.env in (Environment.DEVELOPMENT, Environment.TEST):
            return self
        if self.secret_key == DEVELOPMENT_SECRET_KEY:
            raise ValueError("CTIP_SECRET_KEY is the development default; set a secret of your own")
        if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"CTIP_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters")
        if not self.secure_cookies:
            raise ValueError("CTIP_SECURE_COOKIES must be true outside development (HTTPS only)")
        self._refuse_weak_audit_key()
        self._refuse_missing_victim_key()
        return self

    def _refuse_missing_victim_key(self) -> None:
        """Outside development victims' identities are sealed with a key of the operator's
        own (never the published development key), long enough not to be guessed."""
        if self.victim_key is None and self.victim_key_file is None:
            raise ValueError("set CTIP_VICTIM_KEY or CTIP_VICTIM_KEY_FILE (victim identity key)")
        if len(self.victim_key_material()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"the victim key must be at least {MIN_SECRET_KEY_LENGTH} characters")

    def victim_key_material(self) -> bytes:
        """The secret victims' identities are sealed under (a key file wins over
        CTIP_VICTIM_KEY); in development and tests, where neither is set, the published
        development key, which `ctip.protection` warns about: it protects no real data."""
        if self.victim_key_file is not None:
            try:
                return self.victim_key_file.read_bytes().strip()
            except OSError as error:
                raise ValueError(f"CTIP_VICTIM_KEY_FILE cannot be read: {error}") from None
        if self.victim_key is not None:
            return self.victim_key.get_secret_value().encode("utf-8")
        return DEVELOPMENT_VICTIM_KEY

    def _refuse_weak_audit_key(self) -> None:
        """Outside development the audit chain needs a key of its own, long enough that
        nobody who can write the database can guess it and recompute the chain."""
        if self.audit_key is None and self.audit_key_file is None:
            raise ValueError("set CTIP_AUDIT_KEY or CTIP_AUDIT_KEY_FILE (the audit chain's key)")
        if len(self.audit_signing_key()) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"the audit key must be at least {MIN_SECRET_KEY_LENGTH} characters")

    def audit_signing_key(self) -> bytes:
        """The key the audit chain and its checkpoints are signed with.

        A key file wins over CTIP_AUDIT_KEY; in development and tests, where neither is set,
        a key derived from the secret key keeps the chain keyed without any setup.
        """
        if self.audit_key_file is not None:
            try:
                return self.audit_key_file.read_bytes().strip()
            except OSError as error:
                raise ValueError(f"CTIP_AUDIT_KEY_FILE cannot be read: {error}") from None
        if self.audit_key is not None:
            return self.audit_key.get_secret_value().encode("utf-8")
        derived = hmac.new(self.secret_key.encode("utf-8"), b"ctip audit chain", "sha256")
        return derived.hexdigest().encode("ascii")

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
