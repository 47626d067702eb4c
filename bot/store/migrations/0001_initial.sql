-- The move record: names (with their aliases), moves with their sources, role holdings, and an event log
-- of every change a load or an edit made (the alerts read it).
CREATE TABLE orgs (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE org_aliases (
    org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    alias  TEXT NOT NULL,
    PRIMARY KEY (org_id, alias)
) WITHOUT ROWID;

CREATE TABLE teams (
    id     INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    name   TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE TABLE team_aliases (
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    alias   TEXT NOT NULL,
    PRIMARY KEY (team_id, alias)
) WITHOUT ROWID;

CREATE TABLE people (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE person_aliases (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    PRIMARY KEY (person_id, alias)
) WITHOUT ROWID;

CREATE TABLE moves (
    id             TEXT PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    from_org_id    INTEGER NOT NULL REFERENCES orgs(id),
    from_team_id   INTEGER REFERENCES teams(id),
    from_role      TEXT,
    to_org_id      INTEGER NOT NULL REFERENCES orgs(id),
    to_team_id     INTEGER REFERENCES teams(id),
    to_role        TEXT,
    date           TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    date_basis     TEXT CHECK (date_basis IN ('announced', 'reported', 'effective')),
    status         TEXT NOT NULL CHECK (status IN ('reported', 'confirmed')),
    notes          TEXT,
    origin         TEXT NOT NULL DEFAULT 'dataset',   -- dataset | cli | discord
    content_hash   TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    retracted_at   TEXT
);
CREATE INDEX moves_person    ON moves (person_id, date);
CREATE INDEX moves_from_org  ON moves (from_org_id, date);
CREATE INDEX moves_to_org    ON moves (to_org_id, date);
CREATE INDEX moves_from_team ON moves (from_team_id, date) WHERE from_team_id IS NOT NULL;
CREATE INDEX moves_to_team   ON moves (to_team_id, date) WHERE to_team_id IS NOT NULL;
CREATE INDEX moves_date      ON moves (date);

CREATE TABLE sources (
    move_id   TEXT NOT NULL REFERENCES moves(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    url       TEXT NOT NULL,
    title     TEXT,
    publisher TEXT,
    published TEXT,
    language  TEXT,
    supports  TEXT,
    PRIMARY KEY (move_id, position)
) WITHOUT ROWID;

CREATE TABLE roles (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    team_id         INTEGER REFERENCES teams(id),
    role            TEXT NOT NULL,
    as_of           TEXT,
    as_of_precision TEXT,
    url             TEXT NOT NULL,
    supports        TEXT
);
CREATE INDEX roles_org    ON roles (org_id, team_id);
CREATE INDEX roles_person ON roles (person_id);

-- Every change to the record, in the order it happened. `news` is 0 for the first load of a dataset into
-- an empty database: that is history, and must not be announced.
CREATE TABLE move_events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    move_id TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('added', 'changed', 'removed')),
    origin  TEXT NOT NULL,
    news    INTEGER NOT NULL DEFAULT 1,
    at      TEXT NOT NULL
);
CREATE INDEX move_events_move ON move_events (move_id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
