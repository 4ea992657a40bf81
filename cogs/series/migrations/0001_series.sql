-- Automatic series a moderator switches on per community: what runs, when, and what was posted.

CREATE TABLE series (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('weekly', 'daily', 'arrivals', 'days', 'monthly')),
    enabled      INTEGER NOT NULL DEFAULT 1,
    rule         TEXT,          -- RRULE without DTSTART; NULL: the kind's own timing
    start        TEXT NOT NULL, -- first occurrence, the community's wall-clock time (ISO 8601)
    channel      TEXT NOT NULL, -- Destination key of the channel where it was switched on
    revision     INTEGER NOT NULL DEFAULT 1, -- its jobs' keys: a new time is a new revision
    cursor       INTEGER NOT NULL DEFAULT 0, -- weekly: the next theme's place in the rotation
    mark         TEXT,          -- arrivals: added_at of the newest book already announced
    PRIMARY KEY (community_id, kind)
) WITHOUT ROWID;

-- The books each occurrence showed: a retried post shows the same ones, and a weekly
-- recommendation never repeats a book within [series] repeat_weeks.
CREATE TABLE series_books (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    occurrence   TEXT NOT NULL, -- the occurrence's local date
    theme        TEXT NOT NULL DEFAULT '',
    book_id      INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    place        INTEGER NOT NULL,
    posted_on    TEXT NOT NULL, -- the local date, for "not within N weeks"
    PRIMARY KEY (community_id, kind, occurrence, book_id)
) WITHOUT ROWID;

-- Communities whose posts come in Indonesian and English (/series bilingual on).
CREATE TABLE series_bilingual (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE
);
