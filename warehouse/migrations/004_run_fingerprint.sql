-- 004: each run row names what produced its rows: the extraction fingerprint (settings
-- that change extraction + code + model files + gazetteers; see opwatch/fingerprint.py).
-- NULL for runs recorded before this migration.
ALTER TABLE runs ADD COLUMN fingerprint VARCHAR;
