-- Live moves by date: "recent moves" (every live move, newest first) reads this index in order instead of sorting
-- the whole table, and counting the live moves (the total of that answer) reads it instead of the table.
CREATE INDEX moves_live_date ON moves (date, id) WHERE retracted_at IS NULL;
