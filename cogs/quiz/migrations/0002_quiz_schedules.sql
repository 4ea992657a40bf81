-- Quizzes a moderator scheduled to start by themselves (/quiz schedule), once or repeating; each
-- occurrence is a job in the durable scheduler. A quiz started by one records the occurrence's
-- job key as its origin, so a job run again after a crash finds its quiz instead of starting
-- a second one.

CREATE TABLE quiz_schedules (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    destination  TEXT NOT NULL,             -- where it starts (Destination.key())
    pack_key     TEXT NOT NULL,
    pack_title   TEXT NOT NULL,
    questions    INTEGER NOT NULL,
    seconds      INTEGER NOT NULL,
    starts_at    TEXT NOT NULL,             -- UTC: the only time, or the first of a series
    rrule        TEXT,                      -- a series' RRULE without DTSTART, else NULL
    local_start  TEXT,                      -- a series' first time, wall clock, ISO 8601
    said         TEXT NOT NULL,             -- the time as the moderator typed it
    created_by   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled'))
);
CREATE INDEX quiz_schedules_by_community ON quiz_schedules (community_id, state);

ALTER TABLE quizzes ADD COLUMN origin TEXT;
CREATE UNIQUE INDEX quizzes_by_origin ON quizzes (origin) WHERE origin IS NOT NULL;
