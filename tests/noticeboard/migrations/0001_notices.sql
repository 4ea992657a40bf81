-- The community's notices, pinned by members or posted later by a moderator.

CREATE TABLE noticeboard_notices (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER REFERENCES communities (id) ON DELETE CASCADE,
    author       TEXT NOT NULL,
    text         TEXT NOT NULL,
    pinned_at    TEXT NOT NULL
);
CREATE INDEX noticeboard_by_community ON noticeboard_notices (community_id);
