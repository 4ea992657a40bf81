-- One community on several platforms: communities linked into a circle share announcements,
-- events, leaderboards, clubs and statistics (bot/api/community.py). A community with no row in
-- community_links is a circle of its own. A home is the channel where posts for a community go.

CREATE TABLE community_links (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    circle_id    INTEGER NOT NULL,   -- the id of the community that started the circle
    linked_at    TEXT NOT NULL
);
CREATE INDEX community_links_by_circle ON community_links (circle_id);

CREATE TABLE community_homes (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    destination  TEXT NOT NULL,      -- Destination.key()
    set_at       TEXT NOT NULL
);

-- A one-time code a moderator types in the other community to link it; single use, expires.
CREATE TABLE community_link_codes (
    code         TEXT PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    created_by   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at   TEXT NOT NULL
);
