-- Button commands too long for a platform's button data (Telegram: 64 bytes), and the polls the
-- bot sent on Telegram, so presses and votes reach the right command even after a restart.

CREATE TABLE button_keys (
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
