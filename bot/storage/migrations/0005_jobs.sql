-- legacy: 5
-- The durable scheduler: work due at a time (reminders, quiz timers, club prompts), claimed,
-- performed and marked done, so nothing is lost to a restart. sent_keys lets the sending path
-- refuse to send the same message twice.

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,       -- idempotency key: scheduling twice is a no-op
    payload     TEXT NOT NULL DEFAULT '{}', -- JSON
    due_at      TEXT NOT NULL,              -- UTC, ISO 8601
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'missed', 'failed', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT,
    error       TEXT
);
CREATE INDEX jobs_by_due ON jobs (state, due_at);

CREATE TABLE sent_keys (
    key     TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
) WITHOUT ROWID;
