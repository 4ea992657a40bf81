-- The durable outbox: every message the bot sends outside a direct answer (posts, reminders,
-- private messages) is stored here before it goes to its platform and removed once the platform
-- took it. A row still 'sending' at start was cut by a crash (its outcome unknown): it is sent
-- again. `key` is the send-once key of a job's message (sent_keys), when it has one.

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    destination TEXT NOT NULL,              -- Destination.key()
    replies     TEXT NOT NULL,              -- JSON (bot/api/wire.py)
    key         TEXT UNIQUE,
    state       TEXT NOT NULL DEFAULT 'waiting'
                CHECK (state IN ('waiting', 'sending', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,              -- UTC, ISO 8601
    due_at      TEXT NOT NULL,              -- the next attempt, UTC
    error       TEXT
);
CREATE INDEX outbox_by_state ON outbox (state, platform, id);
