-- Telegram keeps what does not fit in a button's 64 bytes of callback data here, and the polls
-- the bot sent, so votes reach the right command even after a restart.

CREATE TABLE telegram_callbacks (
    id           INTEGER PRIMARY KEY,
    command      TEXT NOT NULL,
    keep         INTEGER NOT NULL DEFAULT 0,
    community_id TEXT NOT NULL DEFAULT '',  -- a group chosen for a private-chat command
    created_at   TEXT NOT NULL,
    UNIQUE (command, keep, community_id)
);

CREATE TABLE telegram_polls (
    poll_id    TEXT PRIMARY KEY,
    chat_id    TEXT NOT NULL,
    chat_type  TEXT NOT NULL,
    chat_title TEXT NOT NULL DEFAULT '',
    thread_id  TEXT,
    commands   TEXT NOT NULL,   -- JSON array: the command each option runs
    created_at TEXT NOT NULL
);
