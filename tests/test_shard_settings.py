"""MOVESBOT_SHARD_COUNT and MOVESBOT_SHARD_IDS: what they accept, the one line a bad value gets, and the bot they
make (discord.py's AutoShardedBot over exactly those shards, or the unsharded bot when unset)."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord.ext import commands

from bot.config import Settings, SettingsError, get_settings
from bot.discord_bot.bot import MovesBot
from bot.discord_bot.runner import build_bot
from bot.discord_bot.shards import ShardedMovesBot
from tests.bot_fixtures import bot_settings
from tests.test_faults import run_cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def from_env(monkeypatch: pytest.MonkeyPatch) -> object:
    """`from_env(count, ids)`: the settings read from those environment variables (None: unset)."""
    def read(count: str | None, ids: str | None) -> Settings:
        for name, value in (("MOVESBOT_SHARD_COUNT", count), ("MOVESBOT_SHARD_IDS", ids)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            return get_settings()
        finally:
            get_settings.cache_clear()

    return read


@pytest.mark.parametrize(("count", "ids", "expected"), [
    (None, None, (None, None)),
    ("", "", (None, None)),
    ("2", None, (2, None)),
    ("2", "0,1", (2, (0, 1))),
    ("4", " 0 - 1 , 3", (4, (0, 1, 3))),
    ("8", "4-7", (8, (4, 5, 6, 7))),
    ("1", "0", (1, (0,))),
])
def test_shard_settings_accepted(from_env, count, ids, expected) -> None:
    settings = from_env(count, ids)
    assert (settings.shard_count, settings.shard_ids) == expected


@pytest.mark.parametrize(("count", "ids", "line"), [
    (None, "0,1", "MOVESBOT_SHARD_IDS=0,1: needs MOVESBOT_SHARD_COUNT, the number of shards in all processes"),
    ("2", "0,2", "MOVESBOT_SHARD_IDS=0,2: shard 2 is not below MOVESBOT_SHARD_COUNT=2 (ids go from 0 to 1)"),
    ("4", "0-2,1", "MOVESBOT_SHARD_IDS=0-2,1: names shard 1 twice"),
    ("2", "one", "MOVESBOT_SHARD_IDS=one: 'one' is not a shard id or a range (write ids such as 0,1 or 0-3)"),
    ("2", "[0, 1]", "MOVESBOT_SHARD_IDS=[0, 1]: '[0' is not a shard id or a range (write ids such as 0,1 or 0-3)"),
    ("2", "0,,1", "MOVESBOT_SHARD_IDS=0,,1: '' is not a shard id or a range (write ids such as 0,1 or 0-3)"),
    ("2", "-1", "MOVESBOT_SHARD_IDS=-1: '-1' is not a shard id or a range (write ids such as 0,1 or 0-3)"),
    ("4", "3-1", "MOVESBOT_SHARD_IDS=3-1: the range '3-1' goes backwards"),
    ("2", "0-99999999999", "MOVESBOT_SHARD_IDS=0-99999999999: shard 99999999999 is beyond any shard count "
                           "(at most 100000 shards)"),
    ("0", None, "MOVESBOT_SHARD_COUNT=0: must be greater than or equal to 1"),
    ("two", "0", "MOVESBOT_SHARD_COUNT=two: must be a valid integer, unable to parse string as an integer"),
])
def test_a_bad_shard_setting_is_one_line(from_env, count, ids, line) -> None:
    with pytest.raises(SettingsError) as caught:
        from_env(count, ids)
    assert str(caught.value) == line + " (see .env.example)"


def test_a_bad_shard_setting_stops_movesbot_run_with_exit_2(tmp_path: Path) -> None:
    settings = "DISCORD_TOKEN=x\nMOVESBOT_SHARD_COUNT=2\nMOVESBOT_SHARD_IDS=1,2\n"
    (tmp_path / ".env").write_text(settings, encoding="utf-8")
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("MOVESBOT_SHARD_IDS=1,2: shard 2 is not below MOVESBOT_SHARD_COUNT=2 "
                                     "(ids go from 0 to 1) (see .env.example)")


def test_the_bot_the_settings_make(tmp_path: Path) -> None:
    plain = build_bot(bot_settings(), tmp_path / "m.db", ROOT / "data")
    assert type(plain) is MovesBot and not isinstance(plain, commands.AutoShardedBot)
    assert plain.shard_count is None
    some = build_bot(bot_settings(MOVESBOT_SHARD_COUNT=4, MOVESBOT_SHARD_IDS="1-2"), tmp_path / "m.db", ROOT / "data")
    assert isinstance(some, ShardedMovesBot) and isinstance(some, commands.AutoShardedBot)
    assert (some.shard_count, some.shard_ids) == (4, [1, 2])
    every = build_bot(bot_settings(MOVESBOT_SHARD_COUNT=3), tmp_path / "m.db", ROOT / "data")
    assert (every.shard_count, every.shard_ids) == (3, None)  # this process runs all three


def test_the_example_env_file_copied_as_is_is_valid(tmp_path: Path) -> None:
    """A newcomer's first step, `cp .env.example .env`: its empty values (a token, a dev guild, a moderator role not
    filled in yet) mean "not set", not a bad number."""
    from bot.config import Settings

    example = Path(__file__).resolve().parents[1] / ".env.example"
    settings = Settings(_env_file=example)
    assert settings.dev_guild is None and settings.moderator_role is None and settings.discord_token is None
