-- Several bot processes may share one database (PostgreSQL): an alert is claimed by one of them for a while (its
-- lease); a claim that runs out (the process died) is taken again, and checked before anything is resent.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
