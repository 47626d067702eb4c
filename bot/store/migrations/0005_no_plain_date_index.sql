-- Every query on dates reads live moves only, which the partial index moves_live_date (0003) serves: the plain
-- index on date was never chosen, and cost a sort of the whole table on each first load and a write on each move.
DROP INDEX IF EXISTS moves_date;
