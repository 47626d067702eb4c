-- Review in Discord: each server's review channel, and every message that shows a candidate move (a candidate of
-- a feed of every server is posted in each server's review channel), so a decision edits them all.
CREATE TABLE review_channels (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    set_by     TEXT,
    set_at     TEXT NOT NULL
);

CREATE TABLE review_posts (
    candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,
    posted_at    TEXT NOT NULL,
    PRIMARY KEY (candidate_id, guild_id)
) WITHOUT ROWID;
