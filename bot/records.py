"""What the store hands back: plain, immutable records that every face (console, JSON, Discord) renders."""

from __future__ import annotations

from dataclasses import dataclass, field

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    url: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class MoveRecord:
    """A move as stored, with names resolved and its sources in order (best first)."""

    id: str
    person: str
    from_org: str
    from_team: str | None
    from_role: str | None
    to_org: str | None  # None: left, destination not reported yet
    to_team: str | None
    to_role: str | None
    date: str
    date_precision: str
    date_basis: str | None
    status: str
    notes: str | None
    sources: tuple[SourceRecord, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        """The stable shape of `ask --json` moves (scripts depend on it)."""
        return {
            "id": self.id, "person": self.person,
            "from_org": self.from_org, "from_team": self.from_team, "from_role": self.from_role,
            "to_org": self.to_org, "to_team": self.to_team, "to_role": self.to_role,
            "date": self.date, "date_precision": self.date_precision, "status": self.status,
            "notes": self.notes, "sources": [s.url for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class RoleRecord:
    person: str
    org: str
    team: str | None
    role: str
    as_of: str | None
    as_of_precision: str | None
    url: str


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One searchable spelling: the canonical name or an alias of a person, org or team."""

    kind: str          # "person" | "org" | "team"
    id: int
    name: str          # canonical display name
    spelling: str      # what is matched (the name itself or an alias)
    org: str | None = None  # for teams: the org they belong to


@dataclass(frozen=True, slots=True)
class Flow:
    """Moves between an org and one counterpart, both ways."""

    counterpart: str | None  # None: departures whose destination is not reported
    joined: int   # people who came from the counterpart
    left: int     # people who went to the counterpart

    @property
    def net(self) -> int:
        return self.joined - self.left


@dataclass(frozen=True)
class LoadReport:
    """What one `load` did, move ids by kind."""

    added: list[str]
    changed: list[str]
    removed: list[str]
    first_load: bool
    roles: int = 0
    unchanged: bool = False  # the files were those of the last load: nothing was read
    restored: list[str] = field(default_factory=list)  # withdrawn moves back in the dataset: not news
    notices: tuple[str, ...] = ()  # entries of the folder that were skipped (a folder or a FIFO named *.csv)
    read: int = 0  # moves.csv rows read and checked (fewer than the dataset's: only what changed was read)

    @property
    def total_changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed) + len(self.restored)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's standing request for alerts about an org, a team, a person, or everything."""

    id: int
    guild_id: int
    channel_id: int
    target_kind: str            # all | org | team | person
    target_id: int | None
    target_name: str
    target_org: str | None
    direction: str              # left | joined | both
    mention_role_id: int | None
    corrections: bool
    locale: str
    state: str                  # active | paused
    paused_reason: str | None
    created_at: str
    last_delivery_at: str | None = None
    cadence: str = "instant"    # instant | daily | weekly
    digest_hour: int = 9        # local hour of a digest (0-23)
    digest_weekday: int = 0     # weekly digests: 0 is Monday
    timezone: str = "UTC"       # IANA name the hour is in
    cadence_since: str | None = None  # when the digests began (UTC ISO): the first window's start

    def describe(self) -> str:
        """"Apple (left)", "Foundation Models (Apple) (both)", "everything"; a digest adds its cadence
        ("Meta (joined) · weekly, Monday 09:00 Europe/Paris")."""
        name = self.target_text()
        return name if self.cadence == "instant" else f"{name} · {self.cadence_text()}"

    def target_text(self) -> str:
        """What it follows: "Apple (left)", "Ruoming Pang", "everything"."""
        if self.target_kind == "all":
            return "everything"
        name = f"{self.target_name} ({self.target_org})" if self.target_org else self.target_name
        return name if self.target_kind == "person" else f"{name} ({self.direction})"

    def cadence_text(self) -> str:
        """"instant", "daily, 09:00 UTC", "weekly, Monday 09:00 Europe/Paris"."""
        if self.cadence == "instant":
            return "instant"
        day = f"{WEEKDAYS[self.digest_weekday].capitalize()} " if self.cadence == "weekly" else ""
        return f"{self.cadence}, {day}{self.digest_hour:02d}:00 {self.timezone}"

    def as_json(self) -> dict:
        return {"guild_id": self.guild_id, "channel_id": self.channel_id, "target_kind": self.target_kind,
                "target_name": self.target_name, "target_org": self.target_org, "direction": self.direction,
                "mention_role_id": self.mention_role_id, "corrections": self.corrections, "locale": self.locale,
                "state": self.state, "paused_reason": self.paused_reason, "cadence": self.cadence,
                "hour": self.digest_hour, "weekday": WEEKDAYS[self.digest_weekday], "timezone": self.timezone}


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row of the outbox: a move to announce in a channel."""

    id: int
    move_id: str
    subscription_id: int
    channel_id: int
    guild_id: int
    kind: str
    state: str
    batch: str | None
    attempts: int
    move_date: str
    mention_role_id: int | None
    locale: str


@dataclass(frozen=True, slots=True)
class DeliveryLogEntry:
    at: str
    channel_id: int
    move_ids: tuple[str, ...]
    outcome: str
    detail: str | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often a subscription posts: every move at once (`instant`), or a digest a day or a week at a local
    hour in an IANA time zone (checked by `bot.digests.parse_cadence`)."""

    kind: str = "instant"       # instant | daily | weekly
    hour: int = 9
    weekday: int = 0            # 0 is Monday
    timezone: str = "UTC"
