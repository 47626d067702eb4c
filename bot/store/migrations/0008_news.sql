-- News in: the feeds polled for stories, the ledger of items already seen, and the candidate moves offered to
-- moderators. A feed belongs to a server (guild_id) or to every server (NULL, added from the shell); its items
-- and candidates are deduplicated within that scope (the guild id, 0 for the shell's feeds).
CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    guild_id        INTEGER,
    scope           INTEGER NOT NULL,          -- guild_id, or 0 for a feed of every server
    title           TEXT,
    etag            TEXT,
    last_modified   TEXT,
    body_digest     TEXT,                      -- of the last feed body parsed: the same bytes are not parsed again
    baseline_done   INTEGER NOT NULL DEFAULT 0,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_polled_at  TEXT,
    last_ok_at      TEXT,
    next_poll_at    TEXT NOT NULL,
    disabled_reason TEXT,
    disabled_at     TEXT,
    added_by        TEXT,
    added_at        TEXT NOT NULL,
    UNIQUE (scope, url)
);
CREATE INDEX feeds_due ON feeds (next_poll_at) WHERE disabled_reason IS NULL;

-- One row per story seen in a scope; `feed_item_keys` holds every key it is known by (its guid in its feed,
-- its link without fragment or utm_* parameters), so an edited item or the same story in another feed of the
-- scope is recognised. `state`: 'seen' (baseline or skipped), 'pending' (handed to extraction, not done yet),
-- 'done', 'failed' (gave up after a few attempts).
CREATE TABLE feed_items (
    id            INTEGER PRIMARY KEY,
    scope         INTEGER NOT NULL,
    feed_id       INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    link          TEXT,
    title         TEXT,
    guid          TEXT,
    published     TEXT,
    state         TEXT NOT NULL CHECK (state IN ('seen', 'pending', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    first_seen_at TEXT NOT NULL
);
CREATE INDEX feed_items_pending ON feed_items (id) WHERE state = 'pending';

CREATE TABLE feed_item_keys (
    scope   INTEGER NOT NULL,
    key     TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES feed_items(id) ON DELETE CASCADE,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;

-- A candidate move found in an article, waiting for a moderator (or decided). `dedup_key` is the folded person,
-- from org and destination org ('departure' when the story names none): the same move in a second story is not
-- proposed again, its article is added to `candidate_sources` instead; a rejected one is never proposed again.
CREATE TABLE candidates (
    id                INTEGER PRIMARY KEY,
    scope             INTEGER NOT NULL,
    guild_id          INTEGER,
    dedup_key         TEXT NOT NULL,
    person            TEXT NOT NULL,
    from_org          TEXT,
    from_team         TEXT,
    from_role         TEXT,
    to_org            TEXT,                    -- NULL: a departure whose destination is not reported
    to_team           TEXT,
    to_role           TEXT,
    date              TEXT,
    status            TEXT NOT NULL DEFAULT 'reported' CHECK (status IN ('reported', 'confirmed')),
    evidence          TEXT,
    known_move_id     TEXT,
    article_url       TEXT NOT NULL,
    article_title     TEXT,
    publisher         TEXT,
    published         TEXT,
    feed_id           INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    review_channel_id INTEGER,
    review_message_id INTEGER,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    decided_by        TEXT,
    decided_at        TEXT,
    move_id           TEXT,                    -- the move recorded on acceptance
    created_at        TEXT NOT NULL,
    UNIQUE (scope, dedup_key)
);
CREATE INDEX candidates_state ON candidates (state, scope);

CREATE TABLE candidate_sources (
    candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    title        TEXT,
    publisher    TEXT,
    published    TEXT,
    evidence     TEXT,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (candidate_id, url)
);
