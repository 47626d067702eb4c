-- Departures whose destination is not reported yet: moves.to_org_id may be NULL, and the outbox gets the kind
-- 'completion' ("now known: X joined Y") for the subscribers who were told of the departure. SQLite cannot drop a
-- NOT NULL or change a CHECK in place: both tables are rebuilt (foreign keys are off while migrations run).
CREATE TABLE moves_new (
    id             TEXT PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    from_org_id    INTEGER NOT NULL REFERENCES orgs(id),
    from_team_id   INTEGER REFERENCES teams(id),
    from_role      TEXT,
    to_org_id      INTEGER REFERENCES orgs(id),
    to_team_id     INTEGER REFERENCES teams(id),
    to_role        TEXT,
    date           TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    date_basis     TEXT CHECK (date_basis IN ('announced', 'reported', 'effective')),
    status         TEXT NOT NULL CHECK (status IN ('reported', 'confirmed')),
    notes          TEXT,
    origin         TEXT NOT NULL DEFAULT 'dataset',
    recorded_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    retracted_at   TEXT,
    CHECK (to_org_id IS NOT NULL OR (to_team_id IS NULL AND to_role IS NULL))
);
INSERT INTO moves_new (id, person_id, from_org_id, from_team_id, from_role, to_org_id, to_team_id, to_role, date,
                       date_precision, date_basis, status, notes, origin, recorded_at, updated_at, retracted_at)
SELECT id, person_id, from_org_id, from_team_id, from_role, to_org_id, to_team_id, to_role, date,
       date_precision, date_basis, status, notes, origin, recorded_at, updated_at, retracted_at FROM moves;
DROP TABLE moves;
ALTER TABLE moves_new RENAME TO moves;
CREATE INDEX moves_person    ON moves (person_id, date);
CREATE INDEX moves_from_org  ON moves (from_org_id, date);
CREATE INDEX moves_to_org    ON moves (to_org_id, date);
CREATE INDEX moves_from_team ON moves (from_team_id, date) WHERE from_team_id IS NOT NULL;
CREATE INDEX moves_to_team   ON moves (to_team_id, date) WHERE to_team_id IS NOT NULL;
CREATE INDEX moves_live_date ON moves (date, id) WHERE retracted_at IS NULL;
CREATE INDEX moves_retracted ON moves (to_org_id, from_org_id, date) WHERE retracted_at IS NOT NULL;

CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    move_id         TEXT NOT NULL REFERENCES moves(id),
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'correction', 'completion', 'test')),
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
INSERT INTO outbox_new SELECT id, move_id, subscription_id, channel_id, kind, state, batch, attempts, next_attempt_at,
                              message_id, sent_at, last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_open ON outbox (state, channel_id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_subscription ON outbox (subscription_id, sent_at);
