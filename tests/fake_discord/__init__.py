"""A fake Discord (REST API v10 + gateway) on 127.0.0.1 for end-to-end tests with discord.py's real client code.

See :mod:`.server` for the API, :mod:`.fixtures` for the pytest fixtures, :mod:`.spec` for the validation
against Discord's OpenAPI spec. ``python -m tests.fake_discord --port 8080`` runs it standalone.
"""

from .harness import redirect_discord, running_bot
from .netguard import ExternalNetworkBlocked, NetworkGuard
from .server import (
    ApiError,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeInteraction,
    GatewayFrame,
    RecordedRequest,
    Violation,
)

__all__ = [
    "ApiError",
    "ExternalNetworkBlocked",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "GatewayFrame",
    "NetworkGuard",
    "RecordedRequest",
    "Violation",
    "redirect_discord",
    "running_bot",
]
