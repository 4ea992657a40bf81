-- legacy: 2
-- Which commands members use, and how it went: librarians see what members want.

CREATE TABLE command_usage (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    platform     TEXT NOT NULL,
    community_id INTEGER REFERENCES communities (id) ON DELETE SET NULL,
    member_id    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    command      TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'usage', 'denied', 'error'))
);

CREATE INDEX command_usage_by_command ON command_usage (command, at);
