-- What the last dataset load read, so that the next reads only what changed (bot/dataset_reload.py): the digest
-- of each chunk of moves.csv and sources.csv with the ids of its rows (one per line), and of each small file.
CREATE TABLE dataset_chunks (
    file   TEXT NOT NULL,
    digest TEXT NOT NULL,
    ids    TEXT NOT NULL,
    PRIMARY KEY (file, digest)
) WITHOUT ROWID;
