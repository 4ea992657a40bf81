-- legacy: 6
-- Book talks and seminars: events with RSVPs, and members who want no private reminders.

CREATE TABLE events (
    id                INTEGER PRIMARY KEY,
    community_id      INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    destination       TEXT NOT NULL,            -- where it was announced (Destination.key())
    title             TEXT NOT NULL,
    starts_at         TEXT NOT NULL,            -- UTC, ISO 8601
    place             TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    capacity          INTEGER,
    state             TEXT NOT NULL DEFAULT 'draft'
                      CHECK (state IN ('draft', 'scheduled', 'cancelled')),
    created_by        INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at        TEXT NOT NULL,
    platform_event_id TEXT                      -- Discord's scheduled event, when there is one
);
CREATE INDEX events_by_start ON events (community_id, state, starts_at);

CREATE TABLE rsvps (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer    TEXT NOT NULL CHECK (answer IN ('going', 'maybe', 'no', 'waiting')),
    at        TEXT NOT NULL,
    PRIMARY KEY (event_id, member_id)
) WITHOUT ROWID;

CREATE TABLE reminder_optouts (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE
);
