-- A load now compares a dataset's rows with the recorded ones column by column, in SQL: no digest to keep.
ALTER TABLE moves DROP COLUMN content_hash;
