"""docker-compose.yml and the Dockerfile, checked without Docker (no engine runs where the tests do): the file parsed
as compose reads it (YAML merge keys, `${VAR:?message}` interpolation), then what must hold for the bots to share one
database: every shard in exactly one process, the same shard count everywhere, a URL that reaches the `postgres`
service, the token and password from the environment only, and the start order (healthy database, then the load)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.config import Settings
from bot.store import is_url
from bot.store.pg_errors import check_url

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"\$\{(\w+)(?:(:[?-])([^}]*))?\}")
ENV = {"DISCORD_TOKEN": "token-from-env", "POSTGRES_PASSWORD": "pw-from-env"}


class MissingVariable(Exception):
    """What compose stops with when a `${VAR:?message}` is unset."""


def interpolate(value: object, env: dict[str, str]) -> object:
    """Compose's substitution of `${VAR}`, `${VAR:-default}` and `${VAR:?message}` in every string of `value`."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(found: re.Match[str]) -> str:
        name, op, arg = found.groups()
        if env.get(name):
            return env[name]
        if op == ":?":
            raise MissingVariable(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return VARIABLE.sub(one, value)


def compose(env: dict[str, str] = ENV) -> dict:
    return interpolate(yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8")), env)


def shard_ids(text: str) -> list[int]:
    """"0", "0,1", "0-3" (MOVESBOT_SHARD_IDS)."""
    ids = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


@pytest.fixture
def services() -> dict[str, dict]:
    return compose()["services"]


def bots(services: dict[str, dict]) -> dict[str, dict]:
    return {name: s for name, s in services.items() if s.get("command") == ["movesbot", "run"]}


def test_every_shard_runs_in_exactly_one_process(services):
    found = bots(services)
    assert len(found) == 2
    counts = {s["environment"]["MOVESBOT_SHARD_COUNT"] for s in found.values()}
    assert counts == {"2"}
    ids = [i for s in found.values() for i in shard_ids(s["environment"]["MOVESBOT_SHARD_IDS"])]
    assert sorted(ids) == list(range(2))  # none twice, none left out


def test_every_process_reaches_the_postgres_service_with_the_password_from_the_environment(services):
    database = services["postgres"]
    assert database["image"] == "postgres:15"
    assert database["environment"]["POSTGRES_PASSWORD"] == ENV["POSTGRES_PASSWORD"]
    users = [s for s in services.values() if str(s.get("command", [""])[0]) == "movesbot"]
    assert len(users) == 3  # the load and the two bots
    for service in users:
        url = service["environment"]["MOVESBOT_DB"]
        assert is_url(url)
        check_url(url)
        parts = urlsplit(url)
        assert (parts.hostname, parts.port, parts.username, parts.password, parts.path) == (
            "postgres", 5432, database["environment"]["POSTGRES_USER"], ENV["POSTGRES_PASSWORD"],
            "/" + database["environment"]["POSTGRES_DB"])


def test_the_bots_settings_are_valid(services, monkeypatch):
    for service in bots(services).values():
        for name, value in service["environment"].items():
            monkeypatch.setenv(name, value)
        settings = Settings(_env_file=None)
        assert settings.db == service["environment"]["MOVESBOT_DB"]
        assert settings.discord_token is not None
        assert settings.discord_token.get_secret_value() == ENV["DISCORD_TOKEN"]


@pytest.mark.parametrize("missing", sorted(ENV))
def test_the_token_and_password_come_from_the_environment_only(missing):
    with pytest.raises(MissingVariable, match=missing):
        compose({k: v for k, v in ENV.items() if k != missing})
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    values = [s["environment"][missing] for s in raw.values() if missing in s.get("environment", {})]
    assert values and all(v.startswith(f"${{{missing}:?") for v in values)  # never a literal, never a default


def test_start_order_healthy_database_then_load_then_bots(services):
    database = services["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in database["volumes"])
    assert database["volumes"][0].split(":")[0] in compose()["volumes"]
    assert "pg_isready" in " ".join(database["healthcheck"]["test"])
    load = services["load"]
    assert load["command"] == ["movesbot", "load"] and load.get("restart") == "no"
    assert load["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for service in bots(services).values():
        assert service["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                         "load": {"condition": "service_completed_successfully"}}
        assert service["build"] == "." and service["restart"] == "unless-stopped"


def test_the_image_installs_the_package_and_keeps_secrets_out():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"^RUN pip install .*\.$", dockerfile, re.M)
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    ignored = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert ignored[0] == "*" and "!.env" not in ignored  # everything out, then only what is named
    for copied in re.findall(r"^COPY (.+) \S+$", dockerfile, re.M):
        for name in copied.split():
            assert f"!{name}" in ignored, name
