-- Alerts: channel subscriptions, the outbox written in the same transaction as the move it announces, the
-- delivery log that answers "why didn't it post?", and the history of moderator edits.
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('all', 'org', 'team', 'person')),
    target_id       INTEGER,             -- orgs.id, teams.id or people.id; NULL for 'all'
    target_name     TEXT NOT NULL,       -- for display and export (ids differ between databases)
    target_org      TEXT,                -- a team's org, for export
    direction       TEXT NOT NULL DEFAULT 'both' CHECK (direction IN ('left', 'joined', 'both')),
    mention_role_id INTEGER,
    corrections     INTEGER NOT NULL DEFAULT 0,
    locale          TEXT NOT NULL DEFAULT 'en',
    state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
    paused_reason   TEXT,
    paused_at       TEXT,
    created_by      INTEGER,
    created_at      TEXT NOT NULL,
    UNIQUE (channel_id, target_kind, target_id, direction)
);
CREATE INDEX subscriptions_guild ON subscriptions (guild_id);
CREATE INDEX subscriptions_target ON subscriptions (target_kind, target_id);

-- One row per (move, channel, kind): two subscriptions of one channel that both match a move still make one
-- message. `batch` is set when a send is attempted and kept across retries: it is the message nonce and the
-- marker in the embed footer by which a restarted worker finds a message it sent but could not record.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    move_id         TEXT NOT NULL REFERENCES moves(id),
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'correction', 'test')),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'dropped')),
    batch           TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    message_id      INTEGER,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (move_id, channel_id, kind)
);
CREATE INDEX outbox_open ON outbox (state, channel_id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_subscription ON outbox (subscription_id, sent_at);

CREATE TABLE delivery_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    guild_id   INTEGER,
    channel_id INTEGER NOT NULL,
    move_ids   TEXT NOT NULL,     -- comma-separated
    outcome    TEXT NOT NULL CHECK (outcome IN ('sent', 'retry', 'paused', 'recovered', 'dropped')),
    detail     TEXT,
    message_id INTEGER
);
CREATE INDEX delivery_log_guild ON delivery_log (guild_id, at);

CREATE TABLE move_history (
    id      INTEGER PRIMARY KEY,
    move_id TEXT NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,        -- "cli", "dataset", or "discord:<user id>"
    action  TEXT NOT NULL CHECK (action IN ('added', 'edited', 'retracted')),
    changes TEXT                  -- JSON: {field: [old, new]} or the reason of a retraction
);
CREATE INDEX move_history_move ON move_history (move_id);
