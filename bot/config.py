"""Every setting in one place, read from the environment and `.env` (pydantic-settings).

The token is a `SecretStr` so that it never shows up in a repr, a log line or a traceback.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """movesbot's configuration; `.env.example` documents each field."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    db: Path = Field(default=Path("var/movesbot.db"), validation_alias="MOVESBOT_DB")
    data: Path = Field(default=Path("data"), validation_alias="MOVESBOT_DATA")
    dev_guild: int | None = Field(default=None, validation_alias="MOVESBOT_DEV_GUILD")
    discord_api_base: str | None = Field(default=None, validation_alias="MOVESBOT_DISCORD_API_BASE")
    discord_gateway: str | None = Field(default=None, validation_alias="MOVESBOT_DISCORD_GATEWAY")
    qa_channels: list[int] = Field(default_factory=list, validation_alias="MOVESBOT_QA_CHANNELS")
    moderator_role: int | None = Field(default=None, validation_alias="MOVESBOT_MODERATOR_ROLE")
    owner_ids: list[int] = Field(default_factory=list, validation_alias="MOVESBOT_OWNER_IDS")
    data_poll_seconds: float = Field(default=60.0, validation_alias="MOVESBOT_DATA_POLL_SECONDS")
    alert_poll_seconds: float = Field(default=3.0, validation_alias="MOVESBOT_ALERT_POLL_SECONDS")
    alert_concurrency: int = Field(default=8, ge=1, le=50, validation_alias="MOVESBOT_ALERT_CONCURRENCY")
    alert_rate: float = Field(default=45.0, gt=0, le=50, validation_alias="MOVESBOT_ALERT_RATE")
    log_level: str = Field(default="INFO", validation_alias="MOVESBOT_LOG_LEVEL")
    feed_poll_seconds: float = Field(default=900.0, gt=0, validation_alias="MOVESBOT_FEED_POLL_SECONDS")
    allow_private_urls: bool = Field(default=False, validation_alias="MOVESBOT_ALLOW_PRIVATE_URLS")

    @property
    def has_token(self) -> bool:
        return self.discord_token is not None and bool(self.discord_token.get_secret_value().strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
