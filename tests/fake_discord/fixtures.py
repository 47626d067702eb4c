"""pytest fixtures for the fake Discord. Register once in ``tests/conftest.py``, either way works::

    from tests.fake_discord.fixtures import *  # noqa: F403   (``__all__`` includes ``pytest_configure``)
    pytest_plugins = ["tests.fake_discord.fixtures"]           # alternative

Fixtures:

* ``block_external_network`` (autouse): any DNS lookup of, or connection to, a non-loopback host raises
  :class:`ExternalNetworkBlocked` and fails the test at teardown. Yields the :class:`NetworkGuard`
  (``guard.attempts``; clear it in a test that provokes the guard on purpose).
* ``fake_discord``: a started :class:`FakeDiscord` with defaults (``fake.user`` "alice", ``fake.guild``
  "Test Guild", ``fake.channel`` #general), discord.py redirected to it, and the environment variables
  ``MOVESBOT_DISCORD_API_BASE`` / ``MOVESBOT_DISCORD_GATEWAY`` set. At teardown the test fails if the bot sent
  a body that breaks Discord's spec or hit a route the fake does not know, unless the test is marked
  ``@pytest.mark.fake_discord_lenient`` or called ``fake.clear_problems()`` after asserting on them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from .harness import redirect_discord
from .netguard import NetworkGuard
from .server import FakeDiscord

__all__ = ["block_external_network", "fake_discord", "pytest_configure"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (runs when this module is loaded as a plugin)."""
    config.addinivalue_line(
        "markers", "fake_discord_lenient: do not fail the test for spec violations or unknown routes"
    )


@pytest.fixture(autouse=True)
def block_external_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Refuse non-loopback DNS lookups and connections (raise at once; fail the test at teardown)."""
    guard = NetworkGuard()
    guard.install(monkeypatch)
    yield guard
    if guard.attempts:
        pytest.fail("outbound network access in a test:\n  " + "\n  ".join(guard.attempts), pytrace=False)


@pytest_asyncio.fixture
async def fake_discord(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A running fake Discord with a default guild/channel/user; discord.py is redirected to it."""
    fake = FakeDiscord().populate_defaults()
    await fake.start()
    monkeypatch.setenv("MOVESBOT_DISCORD_API_BASE", fake.api_base)
    monkeypatch.setenv("MOVESBOT_DISCORD_GATEWAY", fake.gateway_url)
    try:
        with redirect_discord(fake):
            yield fake
    finally:
        await fake.stop()
    problems = fake.problems()
    if problems and request.node.get_closest_marker("fake_discord_lenient") is None:
        pytest.fail("fake Discord saw problems:\n  " + "\n  ".join(problems), pytrace=False)
