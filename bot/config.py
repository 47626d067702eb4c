"""Every setting in one place, read from the environment and `.env` (pydantic-settings).

The token is a `SecretStr` so that it never shows up in a repr, a log line or a traceback.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pydantic_settings
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SEE = " (see .env.example)"

SNOWFLAKE_MAX = (1 << 63) - 1  # Discord ids are 64-bit; SQLite integers are signed 64-bit


def is_snowflake(value: object) -> bool:
    """A Discord id: a positive integer that fits SQLite's integers (not a bool, not a text)."""
    return type(value) is int and 0 < value <= SNOWFLAKE_MAX


class SettingsError(Exception):
    """A setting from the environment or `.env` breaks its rule; `str()` names the setting, the value and the rule."""


class Settings(BaseSettings):
    """movesbot's configuration; `.env.example` documents each field."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    db: str = Field(default="var/movesbot.db", min_length=1, validation_alias="MOVESBOT_DB")  # a file or a URL
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
    db_timeout: float = Field(default=10.0, ge=0, le=600, validation_alias="MOVESBOT_DB_TIMEOUT")

    @field_validator("dev_guild", "moderator_role")
    @classmethod
    def _snowflake(cls, v: int | None) -> int | None:
        if v is not None and not is_snowflake(v):
            raise ValueError("must be a Discord id (a positive integer)")
        return v

    @field_validator("qa_channels", "owner_ids")
    @classmethod
    def _snowflakes(cls, v: list[int]) -> list[int]:
        if not all(is_snowflake(i) for i in v):
            raise ValueError("must be a JSON list of Discord ids (positive integers)")
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return v.upper()

    @field_validator("data_poll_seconds", "alert_poll_seconds")
    @classmethod
    def _seconds(cls, v: float) -> float:
        if not 0 <= v <= 86_400:
            raise ValueError("must be a number of seconds from 0 to 86400")
        return v

    @property
    def has_token(self) -> bool:
        return self.discord_token is not None and bool(self.discord_token.get_secret_value().strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; `SettingsError` (one line per bad setting) when one breaks its rule."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(settings_problems(exc)) from None
    except pydantic_settings.SettingsError as exc:  # a list setting that is not JSON
        field = re.search(r'field "(\w+)"', str(exc))
        info = Settings.model_fields.get(field.group(1)) if field else None
        name = str(info.validation_alias) if info is not None else "a setting"
        raise SettingsError(f"{name}: must be a JSON list, such as [123456789012345678]{SEE}") from None


def settings_problems(exc: ValidationError) -> str:
    """"MOVESBOT_ALERT_RATE=-5: must be greater than 0", a line per setting, never pydantic's whole report."""
    lines = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "a setting"
        value = err.get("input")
        shown = f"={value}" if isinstance(value, str | int | float) and "TOKEN" not in name else ""
        rule = err["msg"].removeprefix("Value error, ")
        if rule.startswith("Input should be "):
            rule = "must be " + rule.removeprefix("Input should be ")
        lines.append(f"{name}{shown}: {rule}")
    return "\n".join(lines) + SEE
