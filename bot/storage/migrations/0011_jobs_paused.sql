-- A moderator may pause a scheduled job (/calendar pause): it keeps its state and time but is not
-- claimed until resumed. A column rather than a new state, so the state CHECK stays as it is.

ALTER TABLE jobs ADD COLUMN paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1));
