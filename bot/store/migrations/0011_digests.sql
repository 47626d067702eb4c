-- Digests: a subscription's cadence (instant: one alert per move, as before; daily or weekly: one summary at a
-- local hour, in an IANA time zone) and one row per digest window, claimed like an outbox row so that each
-- window is posted exactly once, across restarts and processes. Numbered 0011 to leave 0009-0010 to other work.
ALTER TABLE subscriptions ADD COLUMN cadence TEXT NOT NULL DEFAULT 'instant'
    CHECK (cadence IN ('instant', 'daily', 'weekly'));
ALTER TABLE subscriptions ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 9 CHECK (digest_hour BETWEEN 0 AND 23);
ALTER TABLE subscriptions ADD COLUMN digest_weekday INTEGER NOT NULL DEFAULT 0
    CHECK (digest_weekday BETWEEN 0 AND 6);          -- 0 is Monday (weekly digests only)
ALTER TABLE subscriptions ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE subscriptions ADD COLUMN cadence_since TEXT;  -- when the digests began: the first window's start

-- One row per (subscription, window): moves recorded (move_events.at, UTC) in [window_start, window_end). 'dg'
-- and the row's id is the message nonce and the footer marker; `lease_until` is how long a worker's claim holds
-- against other workers.
CREATE TABLE digests (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'digest' CHECK (kind IN ('digest', 'test')),
    window_start    TEXT NOT NULL,
    window_end      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'empty', 'dropped')),
    claimed_by      TEXT,
    lease_until     TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    move_ids        TEXT,
    message_id      INTEGER,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX digests_window ON digests (subscription_id, window_end) WHERE kind = 'digest';
CREATE INDEX digests_open ON digests (state) WHERE state IN ('pending', 'sending');
CREATE INDEX digests_subscription ON digests (subscription_id, sent_at);  -- a subscription's last delivery
CREATE INDEX move_events_at ON move_events (at);
