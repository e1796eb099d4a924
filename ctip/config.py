"""One validated settings object for the whole platform.

Every setting comes from the environment with the prefix ``CTIP_`` (or a ``.env`` file).
Outside development the settings refuse the development secret key, so a deployment
cannot run with a key that is published in this repository.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET_KEY = "ctip-development-key-not-for-real-data"
MIN_SECRET_KEY_LENGTH = 32


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
    api_token_ttl_seconds: int = Field(default=12 * 3600, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8765, gt=0, lt=65536)
    secure_cookies: bool = False

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
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
