-- Announcements a moderator writes (/announce), when they go out, and the messages they became
-- on each platform, so they can be edited and deleted there later.

CREATE TABLE announcements (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel       TEXT NOT NULL,  -- Destination key where it was written: the home while none is set
    body          TEXT NOT NULL,  -- as the moderator typed it; its marks are read when it is shown
    image_name    TEXT,
    image         BLOB,
    link_label    TEXT,
    link_url      TEXT,
    mention       TEXT,           -- a Discord role id, 'everyone' or 'here'
    mention_in    INTEGER REFERENCES communities (id) ON DELETE SET NULL, -- whose home pings
    state         TEXT NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'scheduled', 'posted', 'cancelled', 'deleted')),
    rule          TEXT,           -- repeating: RRULE without DTSTART
    start         TEXT,           -- scheduled: first occurrence, the community's wall-clock time
    revision      INTEGER NOT NULL DEFAULT 1, -- its jobs' keys: a new time is a new revision
    created_at    TEXT NOT NULL
);

CREATE INDEX announcements_by_community ON announcements (community_id, state);

-- One row a home an occurrence reached: the platform's message ids, first to last.
CREATE TABLE announcement_posts (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    occurrence      TEXT NOT NULL,  -- 'now', the local date of a repeating one, or 'once'
    home            TEXT NOT NULL,  -- Destination key
    community_id    INTEGER NOT NULL,
    message_ids     TEXT NOT NULL,  -- JSON list
    posted_at       TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (announcement_id, occurrence, home)
) WITHOUT ROWID;
