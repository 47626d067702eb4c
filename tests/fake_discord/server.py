"""A small fake Discord (REST API v10 + gateway) on 127.0.0.1, so discord.py's real HTTP and gateway code run.

Every JSON body the bot sends is validated against Discord's OpenAPI spec (see :mod:`.spec`); every response the
fake sends is validated too, which keeps the fake itself honest. Problems are collected in
:attr:`FakeDiscord.violations` and :attr:`FakeDiscord.unexpected`; the ``fake_discord`` fixture fails the test
at teardown when either is non-empty.

Typical use (the fixtures in :mod:`.fixtures` do the first and last steps)::

    fake = FakeDiscord()
    fake.populate_defaults()                 # guild "Test Guild", #general, user "alice"
    await fake.start()
    with redirect_discord(fake):             # discord.py now talks to the fake
        async with running_bot(bot, fake):
            inter = await fake.send_slash_command("person", {"query": "Ada"})
            body = await inter.wait_response()
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from . import payloads as P
from .shards import event_guild, receives, shard_problem
from .spec import API_PREFIX, validate_request, validate_response

log = logging.getLogger("fake_discord")

T = TypeVar("T")

# Interaction types and callback types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE},
}
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


# --- Records ---------------------------------------------------------------------------------------------------

@dataclass
class RecordedRequest:
    """One HTTP request the bot made, with the fake's answer."""

    method: str
    path: str  #: without ``/api/v10`` and without the query string
    query: dict[str, str]
    json: Any  #: parsed JSON body (``payload_json`` for multipart); None when there was none
    headers: dict[str, str]
    status: int = 0
    response: Any = None
    files: list[str] = field(default_factory=list)  #: file names of multipart uploads
    at: float = field(default_factory=time.monotonic)

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Violation:
    """A body that breaks the spec (``kind="request"``: the bot's fault; ``"response"``: the fake's own),
    or a Discord rule the fake enforces beyond the schema (``"protocol"``)."""

    method: str
    path: str
    messages: list[str]
    body: Any
    kind: str = "request"

    def __str__(self) -> str:
        return f"[{self.kind}] {self.method} {self.path}: " + "; ".join(self.messages)


@dataclass
class GatewayFrame:
    """A frame the bot sent on the gateway."""

    op: int
    d: Any
    session_id: str | None


class ApiError(Exception):
    """Raised by handlers: becomes a Discord-style JSON error ``{"message", "code"}``."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


# --- State -----------------------------------------------------------------------------------------------------

@dataclass
class FakeGuild:
    """A guild: ``roles[0]`` is @everyone (its id is the guild id)."""

    id: str
    name: str
    owner_id: str
    preferred_locale: str = "en-US"
    roles: list[dict[str, Any]] = field(default_factory=list)
    system_channel_id: str | None = None  # where Discord (and bots) post notices to the server

    @property
    def everyone_permissions(self) -> int:
        return int(self.roles[0]["permissions"])


@dataclass
class FakeChannel:
    """A guild text channel (type 0) or a DM (type 1). ``can_send=False`` denies the bot SEND_MESSAGES."""

    id: str
    name: str
    guild_id: str | None
    type: int = P.GUILD_TEXT
    position: int = 0
    topic: str | None = None
    parent_id: str | None = None
    can_send: bool = True
    deleted: bool = False
    recipients: list[dict[str, Any]] = field(default_factory=list)
    last_message_id: str | None = None


@dataclass
class FakeInteraction:
    """An interaction the fake sent; collects the bot's callback, original response and follow-ups."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    fake: FakeDiscord = field(repr=False)
    created: float = field(default_factory=time.monotonic)
    callbacks: list[dict[str, Any]] = field(default_factory=list)  #: accepted callback bodies, in order
    original_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)
    source_message_id: str | None = None  #: the message a component/modal came from
    triggered_by: FakeInteraction | None = field(default=None, repr=False)  #: for a modal submit: the opener
    shards: list[list[int] | None] = field(default_factory=list)  #: the ``shard`` of each session it was sent to

    @property
    def response(self) -> dict[str, Any] | None:
        """The first accepted callback body (``{"type": ..., "data": ...}``), or None."""
        return self.callbacks[0] if self.callbacks else None

    async def wait_response(self, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the bot's callback (initial response) and return its body."""
        return await self.fake.wait_until(lambda: self.response, timeout, f"a callback for interaction {self.id}")

    @property
    def original(self) -> dict[str, Any] | None:
        """The original response message as it is now (after edits), or None."""
        return self.fake.messages.get(self.original_id) if self.original_id else None

    @property
    def followups(self) -> list[dict[str, Any]]:
        """Follow-up messages (current versions; deleted ones are left out)."""
        return [self.fake.messages[i] for i in self.followup_ids if i in self.fake.messages]

    async def wait_followup(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until at least ``count`` follow-ups exist; return the ``count``-th."""
        found = await self.fake.wait_until(
            lambda: self.followups[count - 1] if len(self.followups) >= count else None, timeout,
            f"{count} follow-up(s) for interaction {self.id}",
        )
        return found


@dataclass
class _Session:
    session_id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    conn: _Conn | None = None
    valid: bool = True
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class _Conn:
    ws: web.WebSocketResponse
    request: web.Request
    session: _Session | None = None


@dataclass
class _Failure:
    method: str | None
    regex: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    is_global: bool
    code: int
    message: str | None


@dataclass
class _RateRule:
    method: str | None
    regex: re.Pattern[str]
    limit: int
    window: float
    hits: collections.deque[float] = field(default_factory=collections.deque)

    @property
    def bucket(self) -> str:
        return hashlib.sha1(self.regex.pattern.encode()).hexdigest()[:16]


@dataclass
class _Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Req:
    method: str
    path: str
    query: Mapping[str, str]
    json: Any
    files: list[dict[str, Any]]
    headers: Mapping[str, str]


Handler = Callable[..., Awaitable[_Reply]]


def _json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py compares the header verbatim (a charset suffix makes it text).
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=hdrs)


def _typed(option_type: int, text: str) -> int | float | bool:
    """An integer (4), boolean (5) or number (10) option's value typed as text."""
    if option_type == 5:
        return _truthy(text)
    return int(text) if option_type == 4 else float(text)


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


class FakeDiscord:
    """A fake Discord API v10 + gateway bound to 127.0.0.1.

    Attributes worth knowing:

    * ``requests`` — every :class:`RecordedRequest`, in order.
    * ``violations`` / ``unexpected`` — spec violations and unknown routes/ops (see :meth:`problems`).
    * ``identifies`` / ``resumes`` / ``gateway_frames`` — what the bot sent on the gateway.
    * ``uploads`` — the bytes of every uploaded file, by attachment id (a file over 10 MiB gets 413/40005).
    * ``refuse_privileged_intents`` — close IDENTIFY with 4014 when privileged intents are requested.
    * ``interaction_timeout`` — seconds the bot has for the initial callback (Discord: 3) before 10062.
    * ``reject_invalid`` — answer 400/50035 to bodies that break the spec (as Discord would).
    * ``hold_ready`` — an :class:`asyncio.Event`: READY waits until it is set (a bot held between its IDENTIFY
      and its ``on_ready``); None (default): READY at once.
    * ``shard_count`` — the shards ``GET /gateway/bot`` recommends (1). Sessions that IDENTIFY with ``shard`` get
      only their guilds' events (see :mod:`.shards`); ``live_shards`` lists them.
    """

    def __init__(
        self,
        *,
        token: str | None = "fake-token",
        app_id: str | None = None,
        bot_username: str = "movesbot",
        host: str = "127.0.0.1",
        port: int = 0,
        validate_requests: bool = True,
        validate_responses: bool = True,
        reject_invalid: bool = True,
    ) -> None:
        self.token = token
        self.app_id = app_id or P.snowflake()
        self.bot_user = P.user(self.app_id, bot_username, bot=True)
        self.host, self.port = host, port
        self.validate_requests = validate_requests
        self.validate_responses = validate_responses
        self.reject_invalid = reject_invalid
        self.refuse_privileged_intents = False
        self.echo_own_messages = True
        self.interaction_timeout = 3.0
        self.heartbeat_interval_ms = 41_250
        self.require_registered_commands = False
        self.shard_count = 1
        self.hold_ready: asyncio.Event | None = None

        self.guilds: dict[str, FakeGuild] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.users: dict[str, dict[str, Any]] = {self.app_id: self.bot_user}
        self.messages: dict[str, dict[str, Any]] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.uploads: dict[str, bytes] = {}  #: attachment id -> the bytes uploaded

        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.unexpected: list[str] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.gateway_frames: list[GatewayFrame] = []
        self.replayed: list[dict[str, Any]] = []  #: DISPATCH frames re-sent on RESUME

        self.guild: FakeGuild | None = None
        self.channel: FakeChannel | None = None
        self.user: dict[str, Any] | None = None

        self._failures: list[_Failure] = []
        self._rate_rules: list[_RateRule] = []
        self._reply_delays: list[tuple[str | None, re.Pattern[str], float]] = []
        self._sessions: dict[str, _Session] = {}
        self._conns: list[_Conn] = []
        self._taken_requests: set[int] = set()
        self._taken_frames: set[int] = set()
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._register_routes()

    # --- lifecycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind ``host`` (default 127.0.0.1) on ``port`` (default: a free one) and serve."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/", self._handle_gateway)
        app.router.add_route("*", "/{tail:.*}", self._handle_http)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("fake Discord listening on %s", self.base_url)

    async def stop(self) -> None:
        """Close gateway connections and the server."""
        for conn in list(self._conns):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` should be: ``http://127.0.0.1:PORT/api/v10``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` should be: ``ws://127.0.0.1:PORT/``."""
        return f"ws://{self.host}:{self.port}/"

    # --- setup -----------------------------------------------------------------------------------------------

    def add_user(self, username: str, *, global_name: str | None = None, user_id: str | None = None,
                 bot: bool = False) -> dict[str, Any]:
        """Create a user (returned as a user object dict); the first one becomes ``fake.user``."""
        data = P.user(user_id or P.snowflake(), username, bot=bot, global_name=global_name)
        self.users[data["id"]] = data
        if self.user is None and not bot:
            self.user = data
        return data

    def add_guild(self, name: str = "Test Guild", *, guild_id: str | None = None, preferred_locale: str = "en-US",
                  everyone_permissions: int = P.DEFAULT_PERMISSIONS) -> FakeGuild:
        """Create a guild with its @everyone role; add guilds before the bot connects (they go in READY)."""
        gid = guild_id or P.snowflake()
        owner = self.user["id"] if self.user else self.app_id
        everyone = P.role(gid, "@everyone", permissions=everyone_permissions)
        guild = FakeGuild(gid, name, owner, preferred_locale, [everyone])
        self.guilds[gid] = guild
        self.guild = self.guild or guild
        return guild

    def add_channel(self, name: str = "general", *, guild_id: str | None = None, topic: str | None = None,
                    can_send: bool = True, channel_id: str | None = None,
                    channel_type: int = P.GUILD_TEXT) -> FakeChannel:
        """Create a text channel in ``guild_id`` (default: the first guild); the first one is ``fake.channel``."""
        gid = guild_id or (self.guild.id if self.guild else None)
        if gid is None:
            raise ValueError("add a guild first")
        position = sum(1 for c in self.channels.values() if c.guild_id == gid)
        channel = FakeChannel(channel_id or P.snowflake(), name, gid, channel_type, position, topic, can_send=can_send)
        self.channels[channel.id] = channel
        self.channel = self.channel or channel
        return channel

    def populate_defaults(self) -> FakeDiscord:
        """Add user "alice", guild "Test Guild" and its #general channel (``fake.user/guild/channel``)."""
        self.add_user("alice", global_name="Alice")
        self.add_guild("Test Guild")
        self.add_channel("general", topic="General chat")
        return self

    def fail_next(self, method: str | None, path_regex: str, *, status: int = 500, count: int = 1,
                  retry_after: float = 0.05, is_global: bool = False, code: int = 0,
                  message: str | None = None) -> None:
        """Answer the next ``count`` matching requests with ``status`` instead of handling them.

        429 answers carry ``Via``, ``Retry-After``, X-RateLimit headers and ``retry_after`` (discord.py retries
        them); 500/502/504 are retried by discord.py after 1 s; other statuses become a JSON error with ``code``.
        ``path_regex`` is full-matched against the path without ``/api/v10`` and without the query.
        """
        self._failures.append(_Failure(method and method.upper(), re.compile(path_regex), status, count,
                                       retry_after, is_global, code, message))

    def rate_limit(self, path_regex: str, per_second: int, *, method: str | None = None,
                   window: float = 1.0) -> None:
        """Allow ``per_second`` matching requests per sliding ``window`` seconds; beyond, answer 429 with
        ``retry_after``. Successful answers carry X-RateLimit-Limit/Remaining/Reset-After/Bucket, so
        discord.py paces itself as it does against Discord."""
        self._rate_rules.append(_RateRule(method and method.upper(), re.compile(path_regex), per_second, window))

    def delay_replies(self, path_regex: str, seconds: float, *, method: str | None = None) -> None:
        """Handle matching requests at once (a message is created and recorded) but answer them ``seconds`` later:
        a slow Discord, or the moment a bot process dies between its request and Discord's answer."""
        self._reply_delays.append((method and method.upper(), re.compile(path_regex), seconds))

    # --- inspection ------------------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Every spec violation and unexpected request/op, one line each (empty when all is well)."""
        return [str(v) for v in self.violations] + [f"[unexpected] {u}" for u in self.unexpected]

    def clear_problems(self) -> None:
        """Forget violations and unexpected requests (after a test has asserted on them)."""
        self.violations.clear()
        self.unexpected.clear()

    def requests_matching(self, method: str | None, path_regex: str) -> list[RecordedRequest]:
        """All recorded requests whose method (None: any) and path (full match) match."""
        regex = re.compile(path_regex)
        return [r for r in self.requests if (method is None or r.method == method.upper()) and regex.fullmatch(r.path)]

    async def wait_for_request(self, method: str | None, path_regex: str, timeout: float = 5.0) -> RecordedRequest:
        """Wait for the oldest matching request not yet returned by an earlier call, and return it.

        Requests made before the call count, so there is no race between triggering and waiting.
        ``path_regex`` is full-matched against the path without ``/api/v10``.
        """
        regex = re.compile(path_regex)

        def find() -> RecordedRequest | None:
            for i, r in enumerate(self.requests):
                if i in self._taken_requests or (method is not None and r.method != method.upper()):
                    continue
                if regex.fullmatch(r.path):
                    self._taken_requests.add(i)
                    return r
            return None

        return await self.wait_until(find, timeout, f"request {method or '*'} {path_regex}")

    async def wait_for_gateway(self, op: int, timeout: float = 5.0) -> GatewayFrame:
        """Wait for the oldest gateway frame with ``op`` (2 IDENTIFY, 6 RESUME, ...) not returned before."""

        def find() -> GatewayFrame | None:
            for i, f in enumerate(self.gateway_frames):
                if f.op == op and i not in self._taken_frames:
                    self._taken_frames.add(i)
                    return f
            return None

        return await self.wait_until(find, timeout, f"gateway op {op}")

    async def wait_until(self, predicate: Callable[[], T | None], timeout: float = 5.0, what: str = "condition") -> T:
        """Wait until ``predicate()`` returns something truthy (re-checked on every change) and return it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                recent = ", ".join(str(r) for r in self.requests[-8:]) or "none"
                raise TimeoutError(f"fake Discord: no {what} within {timeout}s (recent requests: {recent})")
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages stored in a channel, oldest first (ephemeral messages are never stored in channels)."""
        return sorted((m for m in self.messages.values() if m["channel_id"] == channel_id and not
                       m["flags"] & P.EPHEMERAL), key=lambda m: int(m["id"]))

    def commands(self, guild_id: str | None = None) -> list[dict[str, Any]]:
        """Registered commands (global, or of one guild) as Discord returns them."""
        return self.global_commands if guild_id is None else self.guild_commands.get(guild_id, [])

    @property
    def identify_intents(self) -> int | None:
        """The intents of the last IDENTIFY, or None before any."""
        return self.identifies[-1].get("intents") if self.identifies else None

    @property
    def connected(self) -> bool:
        """Whether a gateway session is currently attached to a live connection."""
        return any(s.valid and s.conn is not None for s in self._sessions.values())

    @property
    def live_shards(self) -> list[list[int] | None]:
        """The ``shard`` of each valid session attached to a live connection (None: an unsharded one)."""
        return [s.shard for s in self._sessions.values() if s.valid and s.conn is not None]

    # --- payloads --------------------------------------------------------------------------------------------

    def channel_payload(self, channel: FakeChannel) -> dict[str, Any]:
        """The channel object Discord would send (guild text channel or DM)."""
        if channel.type == P.DM:
            return {"id": channel.id, "type": P.DM, "flags": 0, "recipients": channel.recipients,
                    "last_message_id": channel.last_message_id}
        overwrites = []
        if not channel.can_send:
            overwrites.append({"id": self.app_id, "type": 1, "allow": "0", "deny": str(P.SEND_MESSAGES)})
        return {
            "id": channel.id, "type": channel.type, "guild_id": channel.guild_id, "name": channel.name,
            "position": channel.position, "flags": 0, "parent_id": channel.parent_id, "topic": channel.topic,
            "nsfw": False, "rate_limit_per_user": 0, "last_message_id": channel.last_message_id,
            "permission_overwrites": overwrites,
        }

    def guild_payload(self, guild: FakeGuild) -> dict[str, Any]:
        """The guild object of GET /guilds/{id}."""
        return {
            "id": guild.id, "name": guild.name, "icon": None, "description": None, "home_header": None,
            "splash": None, "discovery_splash": None, "features": [], "banner": None, "owner_id": guild.owner_id,
            "application_id": None, "region": "deprecated", "afk_channel_id": None, "afk_timeout": 300,
            "system_channel_id": guild.system_channel_id, "system_channel_flags": 0, "widget_enabled": False,
            "widget_channel_id": None, "verification_level": 0, "roles": guild.roles,
            "default_message_notifications": 0, "mfa_level": 0, "explicit_content_filter": 0,
            "max_presences": None, "max_members": 500_000, "max_stage_video_channel_users": 50,
            "max_video_channel_users": 25, "vanity_url_code": None, "premium_tier": 0,
            "premium_subscription_count": 0, "preferred_locale": guild.preferred_locale, "rules_channel_id": None,
            "safety_alerts_channel_id": None, "public_updates_channel_id": None,
            "premium_progress_bar_enabled": False, "nsfw": False, "nsfw_level": 0, "emojis": [], "stickers": [],
            "incidents_data": None,
        }

    def guild_create_payload(self, guild: FakeGuild) -> dict[str, Any]:
        """The GUILD_CREATE event data: guild + channels, roles, the bot's own member."""
        channels = [self.channel_payload(c) for c in self.channels.values()
                    if c.guild_id == guild.id and not c.deleted]
        return {
            **self.guild_payload(guild), "joined_at": P.now_iso(), "large": False, "unavailable": False,
            "member_count": 2, "members": [P.member(self.bot_user)], "channels": channels, "threads": [],
            "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [], "lazy": True,
        }

    def _app_info(self) -> dict[str, Any]:
        owner = self.user or self.bot_user
        return {
            "id": self.app_id, "name": self.bot_user["username"], "icon": None, "description": "", "type": None,
            "bot": self.bot_user, "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
            "flags": 0, "flags_new": "0", "redirect_uris": [], "interactions_endpoint_url": None,
            "role_connections_verification_url": None, "owner": owner, "approximate_guild_count": len(self.guilds),
            "approximate_user_install_count": 0, "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0, "team": None, "eligible_oauth2_scopes": [], "tags": [],
            "integration_types_config": {"0": {}},
        }

    # --- gateway ---------------------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a DISPATCH event to every valid session that owns its guild (see :mod:`.shards`); return how
        many. A session that is between connections keeps the event in its log and gets it on RESUME (``replayed``).

        Gateway intents are honoured as Discord does: message events need GUILD_MESSAGES/DIRECT_MESSAGES and,
        without MESSAGE_CONTENT, content/embeds/attachments/components are blanked (except in DMs, when the bot
        is mentioned, or for its own messages).
        """
        return len(await self._deliver(event, data))

    async def _deliver(self, event: str, data: dict[str, Any]) -> list[_Session]:
        delivered = []
        guild_id = event_guild(event, data)
        for session in list(self._sessions.values()):
            if not session.valid or not receives(session.shard, guild_id):
                continue
            shaped = self._shape_for_intents(session.intents, event, data)
            if shaped is None:
                continue
            async with session.lock:
                await self._emit(session, event, shaped)
            delivered.append(session)
        return delivered

    def _shape_for_intents(self, intents: int, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
        if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")) and not intents & P.INTENT_GUILDS:
            return None
        if not event.startswith("MESSAGE_"):
            return data
        in_guild = data.get("guild_id") is not None
        needed = P.INTENT_GUILD_MESSAGES if in_guild else P.INTENT_DIRECT_MESSAGES
        if not intents & needed:
            return None
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and in_guild and not intents & P.INTENT_MESSAGE_CONTENT:
            author = (data.get("author") or {}).get("id")
            mentioned = any(u.get("id") == self.app_id for u in data.get("mentions", []))
            if author != self.app_id and not mentioned:
                data = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
                data.pop("poll", None)
        return data

    async def _emit(self, session: _Session, event: str, data: Any) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.log.append(frame)
        if session.conn is not None:
            await self._send(session.conn, frame)

    async def _send(self, conn: _Conn, frame: dict[str, Any]) -> None:
        if conn.ws.closed:
            return
        try:
            await conn.ws.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError) as exc:
            log.debug("gateway send failed: %s", exc)

    async def drop_gateway(self, code: int | None = 4000) -> None:
        """Drop every gateway connection: close with ``code`` (4000 and most 4xxx let discord.py RESUME), or
        abort the TCP connection when ``code`` is None; return once they are gone. Events dispatched before the
        bot resumes are kept and replayed on RESUME (see ``replayed``)."""
        dropped = list(self._conns)
        for conn in dropped:
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None  # from now on, events wait in the session log
            if code is None:
                transport = conn.request.transport
                if transport is not None:
                    transport.abort()
            else:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.ws.close(code=code, message=b"fake Discord dropped you"), 2.0)
        await self.wait_until(lambda: all(c not in self._conns for c in dropped), 2.0, "dropped connections to close")

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT to every connection (discord.py closes and RESUMEs)."""
        for conn in list(self._conns):
            await self._send(conn, {"op": 7, "d": None, "s": None, "t": None})

    async def invalidate_sessions(self) -> None:
        """Invalidate every session (op 9, d=false): discord.py re-IDENTIFIES (after its 5 s wait)."""
        for session in self._sessions.values():
            session.valid = False
        for conn in list(self._conns):
            await self._send(conn, {"op": 9, "d": False, "s": None, "t": None})

    async def _handle_gateway(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return await self._handle_http(request)
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _Conn(ws, request)
        self._conns.append(conn)
        log.info("gateway connection opened %s", request.query_string)
        try:
            hello = {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-discord"]}
            await self._send(conn, {"op": 10, "d": hello, "s": None, "t": None})
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type == WSMsgType.BINARY:
                    self.unexpected.append("binary gateway frame")
        finally:
            self._conns.remove(conn)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            log.info("gateway connection closed (%s)", ws.close_code)
            self._notify()
        return ws

    async def _on_frame(self, conn: _Conn, frame: dict[str, Any]) -> None:
        op, d = frame.get("op"), frame.get("d")
        self.gateway_frames.append(GatewayFrame(op, d, conn.session.session_id if conn.session else None))
        try:
            if op == 1:
                await self._send(conn, {"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                await self._identify(conn, d)
            elif op == 6:
                await self._resume(conn, d)
            elif op in (3, 4, 8):
                pass  # presence, voice state, member chunk requests: recorded only
            else:
                self.unexpected.append(f"gateway op {op}: {frame}")
        finally:
            self._notify()

    async def _identify(self, conn: _Conn, d: dict[str, Any]) -> None:
        self.identifies.append(d)
        intents = int(d.get("intents", 0))
        if self.token is not None and d.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if self.refuse_privileged_intents and intents & P.PRIVILEGED_INTENTS:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        shard = d.get("shard")
        problem = shard_problem(shard)
        if problem is not None:
            await conn.ws.close(code=4010, message=problem.encode()[:120])
            return
        for old in self._sessions.values():
            if old.shard == shard:
                old.valid = False
        if self.hold_ready is not None:
            self._notify()  # (the IDENTIFY is seen by wait_for_gateway while READY is held)
            await self.hold_ready.wait()
        session = _Session(secrets.token_hex(16), intents, shard)
        self._sessions[session.session_id] = session
        async with session.lock:
            conn.session, session.conn = session, conn
            ready = {
                "v": 10, "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "email": None},
                "guilds": [{"id": g.id, "unavailable": True} for g in self._guilds_of(shard)],
                "session_id": session.session_id, "session_type": "normal",
                "resume_gateway_url": self.gateway_url, "application": {"id": self.app_id, "flags": 0},
                "private_channels": [], "relationships": [], "presences": [], "guild_join_requests": [],
                "geo_ordered_rtc_regions": [], "user_settings": {}, "_trace": ["fake-discord"],
            }
            if shard is not None:
                ready["shard"] = shard
            await self._emit(session, "READY", ready)
            if intents & P.INTENT_GUILDS:
                for guild in self._guilds_of(shard):
                    await self._emit(session, "GUILD_CREATE", self.guild_create_payload(guild))

    def _guilds_of(self, shard: list[int] | None) -> list[FakeGuild]:
        return [g for g in self.guilds.values() if receives(shard, g.id)]

    async def _resume(self, conn: _Conn, d: dict[str, Any]) -> None:
        self.resumes.append(d)
        session = self._sessions.get(d.get("session_id", ""))
        if session is None or not session.valid or (self.token is not None and d.get("token") != self.token):
            await self._send(conn, {"op": 9, "d": False, "s": None, "t": None})
            return
        async with session.lock:
            old = session.conn
            conn.session, session.conn = session, conn
            if old is not None and old is not conn:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(old.ws.close(code=4000), 1.0)
            seq = d.get("seq") or 0
            for frame in session.log:
                if frame["s"] > seq:
                    self.replayed.append(frame)
                    await self._send(conn, frame)
            await self._emit(session, "RESUMED", {"_trace": ["fake-discord"]})

    # --- HTTP plumbing ---------------------------------------------------------------------------------------

    def _register_routes(self) -> None:
        app, gid, cid, mid = r"(?P<app_id>\d+)", r"(?P<guild_id>\d+)", r"(?P<channel_id>\d+)", r"(?P<message_id>\d+)"
        hook = r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)"
        hook_message = hook + r"/messages/(?P<message_id>@original|\d+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._h_me),
            ("GET", r"/users/(?P<user_id>\d+)", self._h_user),
            ("POST", "/users/@me/channels", self._h_create_dm),
            ("GET", "/oauth2/applications/@me", self._h_app_info),
            ("GET", "/gateway", self._h_gateway),
            ("GET", "/gateway/bot", self._h_gateway),
            ("GET", f"/applications/{app}/commands", self._h_get_commands),
            ("PUT", f"/applications/{app}/commands", self._h_put_commands),
            ("POST", f"/applications/{app}/commands", self._h_post_command),
            ("GET", f"/applications/{app}/guilds/{gid}/commands", self._h_get_commands),
            ("PUT", f"/applications/{app}/guilds/{gid}/commands", self._h_put_commands),
            ("POST", f"/applications/{app}/guilds/{gid}/commands", self._h_post_command),
            ("POST", r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback", self._h_callback),
            ("POST", hook, self._h_followup),
            ("GET", hook_message, self._h_webhook_message),
            ("PATCH", hook_message, self._h_webhook_message),
            ("DELETE", hook_message, self._h_webhook_message),
            ("GET", f"/channels/{cid}", self._h_get_channel),
            ("GET", f"/channels/{cid}/messages", self._h_list_messages),
            ("POST", f"/channels/{cid}/messages", self._h_create_message),
            ("GET", f"/channels/{cid}/messages/{mid}", self._h_channel_message),
            ("PATCH", f"/channels/{cid}/messages/{mid}", self._h_channel_message),
            ("DELETE", f"/channels/{cid}/messages/{mid}", self._h_channel_message),
            ("POST", f"/channels/{cid}/typing", self._h_typing),
            ("GET", f"/guilds/{gid}", self._h_get_guild),
            ("GET", f"/guilds/{gid}/channels", self._h_guild_channels),
        ]
        self._routes = [(m, re.compile(p), h) for m, p, h in table]

    async def _handle_http(self, request: web.Request) -> web.StreamResponse:
        method, full_path, query = request.method, request.path, dict(request.query)
        under_api = full_path.startswith(API_PREFIX + "/")
        path = full_path[len(API_PREFIX):] if under_api else full_path
        rec = RecordedRequest(method, path, query, None, dict(request.headers))
        try:
            rec.json, files = await self._read_body(request)
            rec.files = [f["filename"] for f in files]
            reply = await self._process(_Req(method, path, query, rec.json, files, request.headers), under_api)
        except ApiError as exc:
            if exc.code == 50109:
                self.unexpected.append(f"{method} {path}: {exc.message}")
            reply = _Reply(exc.status, exc.body())
        except Exception as exc:  # a bug in the fake: fail loudly, but with a 400 so discord.py does not retry
            log.exception("fake Discord failed on %s %s", method, path)
            self.unexpected.append(f"{method} {path}: the fake raised {exc!r}")
            reply = _Reply(400, {"message": f"fake Discord error: {exc!r}", "code": 0})
        rec.status, rec.response = reply.status, reply.body
        self.requests.append(rec)
        log.info("%s %s%s -> %s", method, path, f"?{request.query_string}" if request.query_string else "",
                 reply.status)
        self._notify()
        delay = max((d for m, regex, d in self._reply_delays if m in (None, method) and regex.fullmatch(path)),
                    default=0.0)
        if delay:
            await asyncio.sleep(delay)
        if reply.status == 204 or reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers)
        return _json_response(reply.status, reply.body, reply.headers)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        ctype = request.content_type
        if ctype == "multipart/form-data":
            body, files = None, []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    data = await part.read()
                    if len(data) > ATTACHMENT_SIZE_LIMIT:  # Discord refuses the whole request
                        raise ApiError(413, 40005, "Request entity too large")
                    index = re.fullmatch(r"files\[(\d+)\]", part.name or "")
                    files.append({"name": part.name, "filename": part.filename or part.name, "size": len(data),
                                  "content_type": part.headers.get("Content-Type"), "data": data,
                                  "index": index.group(1) if index else None})
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        if ctype != "application/json":
            raise ApiError(400, 50109, f"The request body contains invalid JSON (Content-Type {ctype!r}).")
        try:
            return json.loads(raw), []
        except ValueError as exc:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from exc

    async def _process(self, req: _Req, under_api: bool) -> _Reply:
        route = None
        if under_api:
            for m, regex, handler in self._routes:
                match = regex.fullmatch(req.path)
                if match and m == req.method:
                    route = (handler, match.groupdict())
                    break
        if route is None:
            self.unexpected.append(f"{req.method} {req.path} (no such route in the fake)")
            raise ApiError(404, 0, "404: Not Found")
        handler, params = route

        authless = req.path.startswith(("/interactions/", "/webhooks/")) or req.path == "/gateway"
        if not authless and self.token is not None and req.headers.get("Authorization") != f"Bot {self.token}":
            raise ApiError(401, 0, "401: Unauthorized")

        injected = self._injected_failure(req)
        if injected is not None:
            return injected
        limited, rate_headers = self._check_rate(req)
        if limited is not None:
            return limited

        if self.validate_requests and req.json is not None and req.method in ("POST", "PUT", "PATCH"):
            errors = validate_request(req.method, API_PREFIX + req.path, req.json)
            if errors:
                self.violations.append(Violation(req.method, req.path, errors, req.json))
                if self.reject_invalid:
                    detail = {"_errors": [{"code": "SPEC_VIOLATION", "message": e} for e in errors]}
                    raise ApiError(400, 50035, "Invalid Form Body", {"body": detail})

        reply = await handler(req, **params)
        reply.headers.update(rate_headers)
        if self.validate_responses and 200 <= reply.status < 300 and reply.body is not None:
            errors = validate_response(req.method, API_PREFIX + req.path, reply.status, reply.body)
            if errors:
                self.violations.append(Violation(req.method, req.path, errors, reply.body, kind="response"))
        return reply

    def _injected_failure(self, req: _Req) -> _Reply | None:
        for failure in self._failures:
            if failure.remaining <= 0 or (failure.method and failure.method != req.method):
                continue
            if not failure.regex.fullmatch(req.path):
                continue
            failure.remaining -= 1
            if failure.status == 429:
                return self._too_many(failure.retry_after, failure.is_global, failure.regex.pattern, limit=1)
            if failure.status >= 500:
                return _Reply(failure.status, {"message": failure.message or f"{failure.status}: Server Error",
                                               "code": failure.code})
            return _Reply(failure.status, {"message": failure.message or f"{failure.status}", "code": failure.code})
        return None

    @staticmethod
    def _too_many(retry_after: float, is_global: bool, bucket_seed: str, limit: int) -> _Reply:
        bucket = hashlib.sha1(bucket_seed.encode()).hexdigest()[:16]
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        return _Reply(429, body, headers)

    def _check_rate(self, req: _Req) -> tuple[_Reply | None, dict[str, str]]:
        now = time.monotonic()
        for rule in self._rate_rules:
            if (rule.method and rule.method != req.method) or not rule.regex.fullmatch(req.path):
                continue
            while rule.hits and now - rule.hits[0] >= rule.window:
                rule.hits.popleft()
            if len(rule.hits) >= rule.limit:
                retry = max(0.001, rule.window - (now - rule.hits[0]))
                return self._too_many(retry, False, rule.regex.pattern, rule.limit), {}
            rule.hits.append(now)
            reset_after = max(0.001, rule.window - (now - rule.hits[0]))
            return None, {
                "X-RateLimit-Limit": str(rule.limit),
                "X-RateLimit-Remaining": str(rule.limit - len(rule.hits)),
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": rule.bucket,
            }
        return None, {}

    # --- REST handlers: users, app, gateway ------------------------------------------------------------------

    async def _h_me(self, req: _Req) -> _Reply:
        return _Reply(body={**self.bot_user, "verified": True, "mfa_enabled": False, "locale": "en-US",
                            "email": None})

    async def _h_user(self, req: _Req, user_id: str) -> _Reply:
        if user_id not in self.users:
            raise ApiError(404, 10013, "Unknown User")
        return _Reply(body=self.users[user_id])

    async def _h_create_dm(self, req: _Req) -> _Reply:
        recipient = str((req.json or {}).get("recipient_id"))
        if recipient not in self.users:
            raise ApiError(400, 50035, "Invalid Form Body")
        for channel in self.channels.values():
            if channel.type == P.DM and channel.recipients[0]["id"] == recipient:
                return _Reply(body=self.channel_payload(channel))
        channel = FakeChannel(P.snowflake(), "", None, P.DM, recipients=[self.users[recipient]])
        self.channels[channel.id] = channel
        return _Reply(body=self.channel_payload(channel))

    async def _h_app_info(self, req: _Req) -> _Reply:
        return _Reply(body=self._app_info())

    async def _h_gateway(self, req: _Req) -> _Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _Reply(body={"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit})

    # --- REST handlers: application commands -----------------------------------------------------------------

    def _check_app(self, app_id: str) -> None:
        if app_id != self.app_id:
            raise ApiError(403, 50001, "Missing Access")

    def _check_guild(self, guild_id: str | None) -> None:
        if guild_id is not None and guild_id not in self.guilds:
            raise ApiError(404, 10004, "Unknown Guild")

    async def _h_get_commands(self, req: _Req, app_id: str, guild_id: str | None = None) -> _Reply:
        self._check_app(app_id)
        self._check_guild(guild_id)
        return _Reply(body=self.commands(guild_id))

    def _command_response(self, body: dict[str, Any], guild_id: str | None,
                          existing: list[dict[str, Any]]) -> dict[str, Any]:
        ctype = body.get("type") or 1
        old = next((c for c in existing if c["name"] == body["name"] and c["type"] == ctype), None)
        perms = body.get("default_member_permissions")
        cmd: dict[str, Any] = {
            "id": old["id"] if old else P.snowflake(), "application_id": self.app_id, "version": P.snowflake(),
            "default_member_permissions": None if perms is None else str(perms), "type": ctype,
            "name": body["name"], "description": body.get("description") or "", "nsfw": bool(body.get("nsfw")),
            "integration_types": body.get("integration_types") or [0],
        }
        for key in ("name_localizations", "description_localizations", "options", "contexts"):
            if body.get(key) is not None:
                cmd[key] = _strip_nones(body[key])
        if guild_id is None:
            cmd["dm_permission"] = body.get("dm_permission") is not False
        else:
            cmd["guild_id"] = guild_id
        return cmd

    async def _h_put_commands(self, req: _Req, app_id: str, guild_id: str | None = None) -> _Reply:
        self._check_app(app_id)
        self._check_guild(guild_id)
        body = req.json or []
        keys = [(c.get("name"), c.get("type") or 1) for c in body]
        duplicates = sorted({f"{n} (type {t})" for n, t in keys if keys.count((n, t)) > 1})
        if duplicates:
            self.violations.append(Violation(req.method, req.path, [f"duplicate command names: {duplicates}"],
                                             body, kind="protocol"))
            raise ApiError(400, 50035, "Invalid Form Body")
        existing = self.commands(guild_id)
        stored = [self._command_response(c, guild_id, existing) for c in body]
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return _Reply(body=stored)

    async def _h_post_command(self, req: _Req, app_id: str, guild_id: str | None = None) -> _Reply:
        self._check_app(app_id)
        self._check_guild(guild_id)
        existing = self.commands(guild_id)
        cmd = self._command_response(req.json, guild_id, existing)
        kept = [c for c in existing if c["id"] != cmd["id"]] + [cmd]
        if guild_id is None:
            self.global_commands = kept
        else:
            self.guild_commands[guild_id] = kept
        return _Reply(201 if len(kept) > len(existing) else 200, cmd)

    # --- REST handlers: interactions and webhooks ------------------------------------------------------------

    async def _h_callback(self, req: _Req, interaction_id: str, token: str) -> _Reply:
        inter = self.interactions.get(interaction_id)
        if inter is None or inter.token != token:
            raise ApiError(404, 10062, "Unknown interaction")
        if inter.callbacks:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - inter.created > self.interaction_timeout:
            raise ApiError(404, 10062, "Unknown interaction")
        body = req.json or {}
        ctype = body.get("type")
        if ctype not in ALLOWED_CALLBACKS.get(inter.type, set()):
            msg = f"callback type {ctype} is not valid for interaction type {inter.type}"
            self.violations.append(Violation(req.method, req.path, [msg], body, kind="protocol"))
            raise ApiError(400, 50035, "Invalid Form Body")
        data = body.get("data") or {}
        inter.callbacks.append(body)
        info: dict[str, Any] = {"id": inter.id, "type": inter.type}
        resource: dict[str, Any] | None = None
        if ctype in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            flags = (data.get("flags") or 0) & P.EPHEMERAL
            if ctype == DEFERRED_CHANNEL_MESSAGE:
                flags |= P.LOADING
                data = {}
            msg = await self._new_message(inter.payload["channel_id"], data, req.files, flags=flags,
                                          interaction=inter)
            inter.original_id = msg["id"]
            info.update(response_message_id=msg["id"], response_message_loading=bool(flags & P.LOADING),
                        response_message_ephemeral=bool(flags & P.EPHEMERAL))
            if ctype == CHANNEL_MESSAGE:
                resource = {"type": CHANNEL_MESSAGE, "message": msg}
        elif ctype in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE) and inter.source_message_id:
            inter.original_id = inter.source_message_id
            if ctype == UPDATE_MESSAGE:
                msg = await self._edit_message(self.messages[inter.source_message_id], data, req.files)
                resource = {"type": UPDATE_MESSAGE, "message": msg}
            info.update(response_message_id=inter.source_message_id, response_message_loading=False,
                        response_message_ephemeral=bool(self.messages[inter.source_message_id]["flags"] & P.EPHEMERAL))
        self._notify()
        if not _truthy(req.query.get("with_response")):
            return _Reply(204)
        out: dict[str, Any] = {"interaction": info}
        if resource is not None:
            out["resource"] = resource
        return _Reply(body=out)

    def _webhook_interaction(self, app_id: str, token: str) -> FakeInteraction:
        inter = next((i for i in self.interactions.values() if i.token == token), None)
        if app_id != self.app_id or inter is None or not inter.callbacks:
            raise ApiError(404, 10015, "Unknown Webhook")
        return inter

    async def _h_followup(self, req: _Req, app_id: str, token: str) -> _Reply:
        inter = self._webhook_interaction(app_id, token)
        body = req.json or {}
        original = inter.original
        if original is not None and original["flags"] & P.LOADING:
            # After a deferred response, the first follow-up completes the "thinking" message.
            msg = await self._edit_message(original, body, req.files, complete=True)
        else:
            self._require_content(body, req.files)
            msg = await self._new_message(inter.payload["channel_id"], body, req.files,
                                          flags=(body.get("flags") or 0) & P.EPHEMERAL, interaction=inter)
            inter.followup_ids.append(msg["id"])
        self._notify()
        return _Reply(body=msg) if _truthy(req.query.get("wait")) else _Reply(204)

    async def _h_webhook_message(self, req: _Req, app_id: str, token: str, message_id: str) -> _Reply:
        inter = self._webhook_interaction(app_id, token)
        mid = inter.original_id if message_id == "@original" else message_id
        if mid is None or mid not in self.messages or (mid != inter.original_id and mid not in inter.followup_ids):
            raise ApiError(404, 10008, "Unknown Message")
        msg = self.messages[mid]
        if req.method == "GET":
            return _Reply(body=msg)
        if req.method == "DELETE":
            await self._delete_message(msg)
            return _Reply(204)
        msg = await self._edit_message(msg, req.json or {}, req.files, complete=True)
        return _Reply(body=msg)

    # --- REST handlers: channels and messages ----------------------------------------------------------------

    def _channel(self, channel_id: str) -> FakeChannel:
        channel = self.channels.get(channel_id)
        if channel is None or channel.deleted:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    async def _h_get_channel(self, req: _Req, channel_id: str) -> _Reply:
        return _Reply(body=self.channel_payload(self._channel(channel_id)))

    async def _h_list_messages(self, req: _Req, channel_id: str) -> _Reply:
        self._channel(channel_id)
        limit = max(1, min(100, int(req.query.get("limit", 50))))
        msgs = self.messages_in(channel_id)
        if "before" in req.query:
            msgs = [m for m in msgs if int(m["id"]) < int(req.query["before"])]
        if "after" in req.query:
            msgs = [m for m in msgs if int(m["id"]) > int(req.query["after"])][:limit]
        return _Reply(body=list(reversed(msgs))[:limit])

    @staticmethod
    def _require_content(body: dict[str, Any], files: list[dict[str, Any]]) -> None:
        if not (body.get("content") or body.get("embeds") or body.get("components") or files
                or body.get("sticker_ids") or body.get("poll")):
            raise ApiError(400, 50006, "Cannot send an empty message")

    async def _h_create_message(self, req: _Req, channel_id: str) -> _Reply:
        channel = self._channel(channel_id)
        if not channel.can_send:
            raise ApiError(403, 50013, "Missing Permissions")
        body = req.json or {}
        self._require_content(body, req.files)
        mtype = 19 if body.get("message_reference") else 0
        msg = await self._new_message(channel_id, body, req.files, message_type=mtype)
        return _Reply(body=msg)

    async def _h_channel_message(self, req: _Req, channel_id: str, message_id: str) -> _Reply:
        self._channel(channel_id)
        msg = self.messages.get(message_id)
        if msg is None or msg["channel_id"] != channel_id or msg["flags"] & P.EPHEMERAL:
            raise ApiError(404, 10008, "Unknown Message")
        if req.method == "GET":
            return _Reply(body=msg)
        if req.method == "DELETE":
            await self._delete_message(msg)
            return _Reply(204)
        if msg["author"]["id"] != self.app_id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        return _Reply(body=await self._edit_message(msg, req.json or {}, req.files))

    async def _h_typing(self, req: _Req, channel_id: str) -> _Reply:
        self._channel(channel_id)
        return _Reply(204)

    async def _h_get_guild(self, req: _Req, guild_id: str) -> _Reply:
        self._check_guild(guild_id)
        return _Reply(body={**self.guild_payload(self.guilds[guild_id]), "approximate_member_count": 2,
                            "approximate_presence_count": 1})

    async def _h_guild_channels(self, req: _Req, guild_id: str) -> _Reply:
        self._check_guild(guild_id)
        return _Reply(body=[self.channel_payload(c) for c in self.channels.values()
                            if c.guild_id == guild_id and not c.deleted])

    # --- message storage -------------------------------------------------------------------------------------

    def _attachments(self, body: dict[str, Any], files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The uploaded files as attachments: each `files[n]` part takes the filename and description (alt text)
        of the `attachments` entry whose id is n, as Discord does; the bytes are kept in `uploads`."""
        out = []
        for f in files:
            out.append(P.attachment(P.snowflake(), f["filename"], f["size"], f["content_type"]))
            for meta in body.get("attachments") or []:
                if f["index"] is not None and str(meta.get("id")) == f["index"]:
                    out[-1].update({k: meta[k] for k in ("filename", "description") if meta.get(k)})
            self.uploads[out[-1]["id"]] = f["data"]
        return out

    def _embed_attachments(self, msg: dict[str, Any]) -> None:
        """An embed image or thumbnail at `attachment://name` shows the attached file of that name (Discord
        answers its CDN URL); one naming no attached file is a bug in the bot (Discord shows no image)."""
        by_name = {a["filename"]: a for a in msg["attachments"]}
        for embed in msg["embeds"]:
            for key in ("image", "thumbnail"):
                url = (embed.get(key) or {}).get("url") or ""
                if url.startswith("attachment://"):
                    found = by_name.get(url.removeprefix("attachment://"))
                    if found is None:
                        self.unexpected.append(f"embed {key} {url} names no file attached to the message")
                    else:
                        embed[key] = {"url": found["url"], "proxy_url": found["proxy_url"]}

    async def _new_message(self, channel_id: str, body: dict[str, Any], files: list[dict[str, Any]], *,
                           flags: int = 0, message_type: int = 0,
                           interaction: FakeInteraction | None = None) -> dict[str, Any]:
        webhook_id = application_id = None
        if interaction is not None:
            webhook_id = application_id = self.app_id
            if message_type == 0 and interaction.type == APPLICATION_COMMAND and interaction.original_id is None:
                message_type = 20  # CHAT_INPUT_COMMAND
        flags |= (body.get("flags") or 0) & ~(P.EPHEMERAL | P.LOADING)  # e.g. SUPPRESS_EMBEDS
        body = {k: v for k, v in body.items() if k != "flags"}
        msg = P.message(message_id=P.snowflake(), channel_id=channel_id, author=self.bot_user, body=body,
                        message_type=message_type, flags=flags, webhook_id=webhook_id,
                        application_id=application_id, attachments=self._attachments(body, files))
        self._embed_attachments(msg)
        if interaction is not None:
            msg["interaction_metadata"] = self._interaction_metadata(interaction)
        ref = msg.get("message_reference", {}).get("message_id")
        if ref in self.messages:
            msg["referenced_message"] = {k: v for k, v in self.messages[ref].items() if k != "referenced_message"}
        self.messages[msg["id"]] = msg
        channel = self.channels.get(channel_id)
        if channel is not None and not flags & P.EPHEMERAL:
            channel.last_message_id = msg["id"]
        if self.echo_own_messages and not flags & P.EPHEMERAL:
            await self.dispatch("MESSAGE_CREATE", self._gateway_message(msg))
        return msg

    async def _edit_message(self, msg: dict[str, Any], body: dict[str, Any], files: list[dict[str, Any]],
                            *, complete: bool = False) -> dict[str, Any]:
        was_loading = bool(msg["flags"] & P.LOADING)
        if "content" in body:
            msg["content"] = body["content"] or ""
        if "embeds" in body:
            msg["embeds"] = [P.embed_response(e) for e in body["embeds"] or []]
        if "components" in body:
            msg["components"] = P.component_responses(body["components"] or [])
        if body.get("flags") is not None:
            msg["flags"] = (msg["flags"] & (P.EPHEMERAL | P.LOADING)) | (body["flags"] & ~P.EPHEMERAL)
        if "attachments" in body or files:
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            msg["attachments"] = [a for a in msg["attachments"] if a["id"] in keep] + self._attachments(body, files)
        self._embed_attachments(msg)
        if complete:
            msg["flags"] &= ~P.LOADING
        if not was_loading:  # completing a deferred ("thinking") message is not an edit
            msg["edited_timestamp"] = P.now_iso()
        if self.echo_own_messages and not msg["flags"] & P.EPHEMERAL:
            await self.dispatch("MESSAGE_UPDATE", self._gateway_message(msg))
        self._notify()
        return msg

    async def _delete_message(self, msg: dict[str, Any]) -> None:
        self.messages.pop(msg["id"], None)
        if not msg["flags"] & P.EPHEMERAL:
            channel = self.channels.get(msg["channel_id"])
            data = {"id": msg["id"], "channel_id": msg["channel_id"]}
            if channel is not None and channel.guild_id:
                data["guild_id"] = channel.guild_id
            await self.dispatch("MESSAGE_DELETE", data)
        self._notify()

    def _gateway_message(self, msg: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(msg["channel_id"])
        data = dict(msg)
        if channel is not None and channel.guild_id:
            data["guild_id"] = channel.guild_id
            if not msg.get("webhook_id"):
                data["member"] = {k: v for k, v in P.member(msg["author"]).items() if k != "user"}
        return data

    # --- driving the bot: channel state ----------------------------------------------------------------------

    async def delete_channel(self, channel_id: str) -> None:
        """Delete a channel: later requests to it get 404 code 10003 "Unknown Channel"; CHANNEL_DELETE is sent."""
        channel = self.channels[channel_id]
        channel.deleted = True
        if channel.guild_id:
            await self.dispatch("CHANNEL_DELETE", self.channel_payload(channel))

    async def set_can_send(self, channel_id: str, allowed: bool) -> None:
        """Allow or deny the bot SEND_MESSAGES in a channel (403 code 50013 when denied); sends CHANNEL_UPDATE."""
        channel = self.channels[channel_id]
        channel.can_send = allowed
        if channel.guild_id:
            await self.dispatch("CHANNEL_UPDATE", self.channel_payload(channel))

    async def send_user_message(self, content: str, *, user: dict[str, Any] | None = None,
                                channel_id: str | None = None, mention_bot: bool = False) -> dict[str, Any]:
        """A user posts a message (stored, and sent as MESSAGE_CREATE, shaped by the bot's intents)."""
        author = user or self._default_user()
        channel = self._channel(channel_id or self._default_channel().id)
        if mention_bot:
            content = f"<@{self.app_id}> {content}"
        msg = P.message(message_id=P.snowflake(), channel_id=channel.id, author=author, body={"content": content})
        if mention_bot:
            msg["mentions"] = [self.bot_user]
        self.messages[msg["id"]] = msg
        channel.last_message_id = msg["id"]
        await self.dispatch("MESSAGE_CREATE", self._gateway_message(msg))
        return msg

    # --- driving the bot: interactions -----------------------------------------------------------------------

    def _default_user(self) -> dict[str, Any]:
        return self.user or self.add_user("tester")

    def _default_channel(self) -> FakeChannel:
        if self.channel is None:
            raise ValueError("no channel: call populate_defaults() or add_guild()/add_channel() first")
        return self.channel

    def _find_command(self, name: str, guild_id: str | None, ctype: int = 1) -> dict[str, Any] | None:
        for cmd in [*(self.guild_commands.get(guild_id, []) if guild_id else []), *self.global_commands]:
            if cmd["name"] == name and cmd["type"] == ctype:
                return cmd
        return None

    def _interaction_metadata(self, inter: FakeInteraction) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": inter.id, "type": inter.type, "user": self._interaction_user(inter.payload),
            "authorizing_integration_owners": inter.payload["authorizing_integration_owners"],
        }
        if inter.original_id is not None:
            data["original_response_message_id"] = inter.original_id
        if inter.type == MESSAGE_COMPONENT and inter.source_message_id:
            data["interacted_message_id"] = inter.source_message_id
        if inter.type == MODAL_SUBMIT and inter.triggered_by is not None:
            data["triggering_interaction_metadata"] = self._interaction_metadata(inter.triggered_by)
        return data

    @staticmethod
    def _interaction_user(payload: dict[str, Any]) -> dict[str, Any]:
        return payload["member"]["user"] if "member" in payload else payload["user"]

    async def _send_interaction(self, itype: int, data: dict[str, Any] | None, *, user: dict[str, Any] | None,
                                channel_id: str | None, locale: str, permissions: int | None,
                                message: dict[str, Any] | None = None,
                                triggered_by: FakeInteraction | None = None) -> FakeInteraction:
        author = user or self._default_user()
        self.users.setdefault(author["id"], author)
        channel = self._channel(channel_id or self._default_channel().id)
        iid, token = P.snowflake(), "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": iid, "application_id": self.app_id, "type": itype, "token": token, "version": 1,
            "channel_id": channel.id, "locale": locale, "entitlements": [], "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if data is not None:
            payload["data"] = data
        if channel.guild_id:
            guild = self.guilds[channel.guild_id]
            perms = guild.everyone_permissions if permissions is None else permissions
            app_perms = guild.everyone_permissions & ~(0 if channel.can_send else P.SEND_MESSAGES)
            payload.update(
                guild_id=guild.id, guild_locale=guild.preferred_locale,
                guild={"id": guild.id, "locale": guild.preferred_locale, "features": []},
                channel={**self.channel_payload(channel), "permissions": str(perms)},
                member=P.member(author, permissions=perms), app_permissions=str(app_perms),
                authorizing_integration_owners={"0": guild.id}, context=0,
            )
        else:
            payload.update(user=author, channel=self.channel_payload(channel), context=1,
                           app_permissions=str(P.DEFAULT_PERMISSIONS), authorizing_integration_owners={"0": "0"})
        if message is not None:
            payload["message"] = message
        inter = FakeInteraction(iid, token, itype, payload, self, triggered_by=triggered_by,
                                source_message_id=message["id"] if message is not None else None)
        self.interactions[iid] = inter
        inter.shards = [s.shard for s in await self._deliver("INTERACTION_CREATE", payload)]
        if not inter.shards:
            log.warning("INTERACTION_CREATE %s reached no gateway session", iid)
        return inter

    def _command_data(self, name: str, options: Mapping[str, Any] | list[dict[str, Any]] | None,
                      channel_id: str | None, focused: str | None) -> dict[str, Any]:
        root, *path = name.split()
        channel = self._channel(channel_id or self._default_channel().id)
        cmd = self._find_command(root, channel.guild_id)
        if cmd is None and self.require_registered_commands:
            raise LookupError(f"/{root} is not registered (no PUT of it was received)")
        opts = self._build_options(path, options or {}, cmd.get("options") if cmd else None, focused)
        data: dict[str, Any] = {"id": cmd["id"] if cmd else P.snowflake(), "name": root, "type": 1}
        if opts:
            data["options"] = opts
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        resolved = self._resolved(opts, channel)
        if resolved:
            data["resolved"] = resolved
        return data

    def _build_options(self, path: list[str], options: Mapping[str, Any] | list[dict[str, Any]],
                       schema: list[dict[str, Any]] | None, focused: str | None) -> list[dict[str, Any]]:
        schema = schema or []
        if path:
            sub = next((o for o in schema if o["name"] == path[0]), None)
            sub_type = sub["type"] if sub else (1 if len(path) == 1 else 2)
            inner = self._build_options(path[1:], options, sub.get("options") if sub else None, focused)
            return [{"type": sub_type, "name": path[0], "options": inner}]
        if isinstance(options, list):
            return [dict(o) for o in options]
        out = []
        values = dict(options)
        if focused is not None:
            values.setdefault(focused, "")
        for key, value in values.items():
            declared = next((o for o in schema if o["name"] == key), None)
            if isinstance(value, dict) and "id" in value:
                self.users.setdefault(value["id"], value)
                value = value["id"]
            otype = declared["type"] if declared else _infer_option_type(value)
            if otype in (6, 7, 8, 9):
                value = str(value)
            elif isinstance(value, str) and key != focused and otype in (4, 5, 10):
                value = _typed(otype, value)  # typed at the stdin driver: Discord sends an integer as a number
            option: dict[str, Any] = {"type": otype, "name": key, "value": value}
            if key == focused:
                option["focused"] = True
            out.append(option)
        return out

    def _resolved(self, options: list[dict[str, Any]], channel: FakeChannel) -> dict[str, Any]:
        resolved: dict[str, dict[str, Any]] = {}
        guild = self.guilds.get(channel.guild_id or "")

        def walk(opts: list[dict[str, Any]]) -> None:
            for o in opts:
                walk(o.get("options", []))
                value = str(o.get("value"))
                if o["type"] in (6, 9) and value in self.users:
                    resolved.setdefault("users", {})[value] = self.users[value]
                    if guild is not None:
                        m = P.member(self.users[value], permissions=guild.everyone_permissions)
                        resolved.setdefault("members", {})[value] = {k: v for k, v in m.items() if k != "user"}
                elif o["type"] == 7 and value in self.channels:
                    ch = {**self.channel_payload(self.channels[value])}
                    if guild is not None:
                        ch["permissions"] = str(guild.everyone_permissions)
                    resolved.setdefault("channels", {})[value] = ch
                elif o["type"] in (8, 9) and guild is not None:
                    role = next((r for r in guild.roles if r["id"] == value), None)
                    if role is not None:
                        resolved.setdefault("roles", {})[value] = role

        walk(options)
        return resolved

    async def send_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | list[dict[str, Any]] | None = None,
        *,
        user: dict[str, Any] | None = None,
        channel_id: str | None = None,
        locale: str = "en-US",
        permissions: int | None = None,
    ) -> FakeInteraction:
        """Send a slash command (INTERACTION_CREATE type 2) as ``user`` (default ``fake.user``) in ``channel_id``
        (default ``fake.channel``; its guild is the interaction's guild).

        ``name`` may include a subcommand ("alerts add"). ``options`` is ``{name: value}`` (types taken from the
        registered command, else inferred: str, int, float, bool; a user dict becomes a user option with
        ``resolved`` data) or a raw list of option dicts. ``permissions`` is the member's total permissions
        (default: @everyone's). Command ids come from the registered commands when the bot synced them.
        """
        data = self._command_data(name, options, channel_id, None)
        return await self._send_interaction(APPLICATION_COMMAND, data, user=user, channel_id=channel_id,
                                            locale=locale, permissions=permissions)

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        user: dict[str, Any] | None = None,
        channel_id: str | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Send an autocomplete request (type 4) with ``focused`` as the option being typed; the bot should
        answer with callback type 8 (see ``inter.wait_response()``)."""
        data = self._command_data(name, options, channel_id, focused)
        return await self._send_interaction(AUTOCOMPLETE, data, user=user, channel_id=channel_id, locale=locale,
                                            permissions=None)

    async def click_component(
        self,
        message: dict[str, Any] | str,
        custom_id: str,
        *,
        values: list[str] | None = None,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
        permissions: int | None = None,
    ) -> FakeInteraction:
        """Click a button (or choose ``values`` in a select menu) of a stored message (type 3), as ``user`` with
        ``permissions`` (default: @everyone's).

        Raises LookupError when the message has no such component, ValueError when it is disabled — a real
        client cannot do either.
        """
        msg = self.messages[message if isinstance(message, str) else message["id"]]
        component = _find_component(msg.get("components", []), custom_id)
        if component is None:
            raise LookupError(f"message {msg['id']} has no component {custom_id!r}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in (3, 5, 6, 7, 8):
            data["values"] = list(values or [])
        return await self._send_interaction(MESSAGE_COMPONENT, data, user=user, channel_id=msg["channel_id"],
                                            locale=locale, permissions=permissions, message=msg)

    async def send_message_command(
        self,
        name: str,
        message: dict[str, Any] | str,
        *,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
        permissions: int | None = None,
    ) -> FakeInteraction:
        """Use the message context menu command ``name`` (application command type 3) on a stored message, as
        Discord sends it: ``target_id`` and the message in ``resolved.messages``."""
        msg = self.messages[message if isinstance(message, str) else message["id"]]
        channel = self._channel(msg["channel_id"])
        cmd = self._find_command(name, channel.guild_id, ctype=3)
        if cmd is None and self.require_registered_commands:
            raise LookupError(f"message command {name!r} is not registered (no PUT of it was received)")
        data: dict[str, Any] = {"id": cmd["id"] if cmd else P.snowflake(), "name": name, "type": 3,
                                "target_id": msg["id"], "resolved": {"messages": {msg["id"]: msg}}}
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return await self._send_interaction(APPLICATION_COMMAND, data, user=user, channel_id=channel.id,
                                            locale=locale, permissions=permissions)

    async def submit_modal(
        self,
        source: FakeInteraction,
        values: Mapping[str, str | list[str]],
        *,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Submit the modal the bot opened in answer to ``source`` (type 5), filling text inputs/selects by
        custom_id. Raises ValueError for a missing required input or a length outside min/max, as a client
        would refuse to submit."""
        modal = next((c["data"] for c in source.callbacks if c.get("type") == MODAL), None)
        if modal is None:
            raise LookupError(f"interaction {source.id} was not answered with a modal")

        def leaf(comp: dict[str, Any]) -> dict[str, Any]:
            cid = comp["custom_id"]
            if comp["type"] == 4:
                value = str(values.get(cid, comp.get("value") or ""))
                if comp.get("required", True) and not value:
                    raise ValueError(f"modal input {cid!r} is required")
                if value and not comp.get("min_length", 0) <= len(value) <= comp.get("max_length", 4000):
                    raise ValueError(f"modal input {cid!r}: length {len(value)} outside min/max")
                return {"type": 4, "custom_id": cid, "value": value}
            chosen = values.get(cid, [])
            return {"type": comp["type"], "custom_id": cid, "values": [chosen] if isinstance(chosen, str) else chosen}

        components = []
        for comp in modal.get("components", []):
            if comp["type"] == 1:
                components.append({"type": 1, "components": [leaf(c) for c in comp["components"]]})
            elif comp["type"] == 18:
                components.append({"type": 18, "component": leaf(comp["component"])})
        data = {"custom_id": modal["custom_id"], "components": components}
        message = self.messages.get(source.source_message_id or "")
        src_user = self._interaction_user(source.payload)
        return await self._send_interaction(MODAL_SUBMIT, data, user=user or src_user,
                                            channel_id=source.payload["channel_id"], locale=locale,
                                            permissions=None, message=message, triggered_by=source)


def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        for child in [*comp.get("components", []), *([comp["accessory"]] if "accessory" in comp else [])]:
            found = _find_component([child], custom_id)
            if found is not None:
                return found
    return None


def _strip_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nones(v) for v in value]
    return value
