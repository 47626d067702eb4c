-- Several bot processes share the database: an alert is claimed by one of them for a while (its lease); a claim
-- that runs out (the process died) is taken again, and checked before anything is resent.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT COLLATE "C";
ALTER TABLE outbox ADD COLUMN lease_until TEXT COLLATE "C";

-- Every statement that logs a change to the record tells the listening processes (their name indexes follow).
CREATE FUNCTION movesbot_notify_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('movesbot_moves', '');
    RETURN NULL;
END $$;
CREATE TRIGGER move_events_notify AFTER INSERT ON move_events
    FOR EACH STATEMENT EXECUTE FUNCTION movesbot_notify_moves();
