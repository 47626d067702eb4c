"""Every setting in one place, read from the environment and `.env` (pydantic-settings).

The token is a `SecretStr` so that it never shows up in a repr, a log line or a traceback.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import pydantic_settings
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SEE = " (see .env.example)"

SHARD_RANGE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", re.ASCII)  # "2" or "0-3"
MAX_SHARDS = 100_000  # far beyond the largest bot's; bounds what a range such as 0-99999 may expand to
SNOWFLAKE_MAX = (1 << 63) - 1  # Discord ids are 64-bit; SQLite integers are signed 64-bit


def is_snowflake(value: object) -> bool:
    """A Discord id: a positive integer that fits SQLite's integers (not a bool, not a text)."""
    return type(value) is int and 0 < value <= SNOWFLAKE_MAX


class SettingsError(Exception):
    """A setting from the environment or `.env` breaks its rule; `str()` names the setting, the value and the rule."""


class Settings(BaseSettings):
    """movesbot's configuration; `.env.example` documents each field."""

    # An empty value is "not set" (as `cp .env.example .env` leaves them), not a bad number.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

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
    alert_lease_seconds: float = Field(default=60.0, ge=1, le=3600, validation_alias="MOVESBOT_ALERT_LEASE_SECONDS")
    log_level: str = Field(default="INFO", validation_alias="MOVESBOT_LOG_LEVEL")
    feed_poll_seconds: float = Field(default=900.0, gt=0, validation_alias="MOVESBOT_FEED_POLL_SECONDS")
    allow_private_urls: bool = Field(default=False, validation_alias="MOVESBOT_ALLOW_PRIVATE_URLS")
    db_timeout: float = Field(default=10.0, ge=0, le=600, validation_alias="MOVESBOT_DB_TIMEOUT")
    shard_count: int | None = Field(default=None, ge=1, le=MAX_SHARDS,
                                     validation_alias="MOVESBOT_SHARD_COUNT")
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(default=None, validation_alias="MOVESBOT_SHARD_IDS")

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

    @field_validator("shard_count", mode="before")
    @classmethod
    def _blank_count(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, v: object) -> object:
        """"0,1", "0-3", "0-1, 4": the shards this process runs (read as text: not JSON like the other lists)."""
        return parse_shard_ids(v) if isinstance(v, str) else v

    @field_validator("shard_ids")
    @classmethod
    def _shards_in_count(cls, v: tuple[int, ...] | None, info: ValidationInfo) -> tuple[int, ...] | None:
        if v is None or "shard_count" not in info.data:  # (a bad count was reported already)
            return v
        count = info.data["shard_count"]
        if count is None:
            raise ValueError("needs MOVESBOT_SHARD_COUNT, the number of shards in all processes")
        if len(set(v)) != len(v):
            raise ValueError(f"names shard {next(i for i in v if v.count(i) > 1)} twice")
        if max(v) >= count:
            raise ValueError(f"shard {max(v)} is not below MOVESBOT_SHARD_COUNT={count} (ids go from 0 to {count - 1})")
        return v

    @property
    def has_token(self) -> bool:
        return self.discord_token is not None and bool(self.discord_token.get_secret_value().strip())


def parse_shard_ids(text: str) -> tuple[int, ...] | None:
    """"0, 2-3" -> (0, 2, 3); blank -> None (every shard of MOVESBOT_SHARD_COUNT); `ValueError` naming the bad part."""
    if not text.strip():
        return None
    ids: list[int] = []
    for part in text.split(","):
        found = SHARD_RANGE.fullmatch(part)
        if found is None:
            raise ValueError(f"{part.strip()!r} is not a shard id or a range (write ids such as 0,1 or 0-3)")
        first, last = int(found[1]), int(found[2] or found[1])
        if last < first:
            raise ValueError(f"the range {part.strip()!r} goes backwards")
        if last >= MAX_SHARDS:
            raise ValueError(f"shard {last} is beyond any shard count (at most {MAX_SHARDS} shards)")
        ids.extend(range(first, last + 1))
    return tuple(ids)


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
