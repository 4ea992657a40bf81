-- legacy: 3
-- Button commands too long for a platform's button data (Telegram: 64 bytes, Discord: 100
-- characters), and the native polls the bot sent, so presses and votes reach the right command
-- even after a restart.

CREATE TABLE button_keys (
    id           INTEGER PRIMARY KEY,
    command      TEXT NOT NULL,
    keep         INTEGER NOT NULL DEFAULT 0,
    community_id TEXT NOT NULL DEFAULT '',  -- a group chosen for a private-chat command
    created_at   TEXT NOT NULL,
    UNIQUE (command, keep, community_id)
);

CREATE TABLE polls (
    platform       TEXT NOT NULL,
    poll_id        TEXT NOT NULL,           -- Telegram's poll id, Discord's message id
    channel_id     TEXT NOT NULL,
    thread_id      TEXT,
    community_id   TEXT,                    -- NULL in a private chat
    community_name TEXT NOT NULL DEFAULT '',
    commands       TEXT NOT NULL,           -- JSON array: the command each option runs
    created_at     TEXT NOT NULL,
    PRIMARY KEY (platform, poll_id)
) WITHOUT ROWID;

-- Small facts an adapter keeps between runs, such as the hash of the last synced command set.
CREATE TABLE platform_state (
    platform TEXT NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (platform, key)
) WITHOUT ROWID;
