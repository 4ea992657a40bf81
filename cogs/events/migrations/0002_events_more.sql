-- legacy: 7
-- Events, continued: recurring series, cancelled occurrences, RSVPs per occurrence, reminder
-- offsets per community, and members' personal reminders.

-- A series is one events row: `rrule` (an RFC 5545 RRULE without DTSTART) read from
-- `local_start`, the first occurrence as wall-clock time in the community's timezone, so a
-- timezone change keeps the local time. `starts_at` stays the first occurrence in UTC.
ALTER TABLE events ADD COLUMN rrule TEXT;
ALTER TABLE events ADD COLUMN local_start TEXT;
-- Bumped whenever the event's reminders are planned anew (part of their job keys).
ALTER TABLE events ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- One occurrence of a series called off, by its local date (YYYY-MM-DD).
CREATE TABLE event_skips (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    PRIMARY KEY (event_id, occurrence)
) WITHOUT ROWID;

-- RSVPs per occurrence: '' for a one-off event, the local date for an occurrence of a series.
CREATE TABLE rsvps_by_occurrence (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL DEFAULT '',
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer     TEXT NOT NULL CHECK (answer IN ('going', 'maybe', 'no', 'waiting')),
    at         TEXT NOT NULL,
    PRIMARY KEY (event_id, occurrence, member_id)
) WITHOUT ROWID;
INSERT INTO rsvps_by_occurrence (event_id, occurrence, member_id, answer, at)
    SELECT event_id, '', member_id, answer, at FROM rsvps;
DROP TABLE rsvps;
ALTER TABLE rsvps_by_occurrence RENAME TO rsvps;

-- When reminders go out before an event, per community (minutes, comma-separated, largest
-- first); a community without a row gets 24 hours and 1 hour.
CREATE TABLE event_settings (
    community_id     INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    reminder_minutes TEXT NOT NULL
);

-- /remind me: a private note delivered once at its time by the durable scheduler.
CREATE TABLE personal_reminders (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    community_id INTEGER REFERENCES communities (id) ON DELETE SET NULL,
    text         TEXT NOT NULL,
    due_at       TEXT NOT NULL,            -- UTC, ISO 8601
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sent', 'cancelled')),
    created_at   TEXT NOT NULL
);
CREATE INDEX personal_reminders_by_member ON personal_reminders (member_id, state, due_at);

-- Pending reminders of the earlier key format: the events feature plans them again at start.
UPDATE jobs SET state = 'cancelled' WHERE kind = 'event-reminder' AND state = 'pending';
