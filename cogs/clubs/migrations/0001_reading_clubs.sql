-- legacy: 10
-- Reading clubs: a club has a home (thread, topic or room), members, and the books it reads one
-- after another; each reading has a weekly plan, members' progress and moderator-written
-- prompts. Votes choose the next book. Finished clubs and readings stay for /club history.

CREATE TABLE clubs (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,                -- casefolded name: unique among active clubs
    home          TEXT NOT NULL DEFAULT '',     -- Destination.key() of its thread/topic/room
    hashtag       TEXT NOT NULL DEFAULT '',     -- posts start with it when home is the group
    created_by    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'finished')),
    finished_at   TEXT,
    meeting_rule  TEXT,                         -- RRULE of repeating meetings, or NULL
    meeting_start TEXT                          -- local start (with a rule) or UTC (without)
);
CREATE UNIQUE INDEX clubs_active_name ON clubs (community_id, name_key) WHERE state = 'active';

CREATE TABLE club_readings (
    id          INTEGER PRIMARY KEY,
    club_id     INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    book_id     INTEGER REFERENCES books (id) ON DELETE SET NULL,
    title       TEXT NOT NULL,                  -- kept: the catalog may drop the book later
    byline      TEXT NOT NULL DEFAULT '',
    starts_at   TEXT NOT NULL,                  -- UTC
    weeks       INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 52),
    unit        TEXT NOT NULL CHECK (unit IN ('pages', 'chapters', 'percent')),
    pages       INTEGER,
    chapters    INTEGER,
    revision    INTEGER NOT NULL DEFAULT 0,     -- a new plan takes the next revision
    state       TEXT NOT NULL DEFAULT 'reading' CHECK (state IN ('reading', 'finished')),
    finished_at TEXT,
    vote_id     INTEGER                         -- the vote that chose it, if one did
);
CREATE INDEX club_readings_by_club ON club_readings (club_id, state);

CREATE TABLE club_members (
    club_id   INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    joined_at TEXT NOT NULL,
    PRIMARY KEY (club_id, member_id)
) WITHOUT ROWID;
CREATE INDEX club_members_by_member ON club_members (member_id);

CREATE TABLE club_progress (
    reading_id INTEGER NOT NULL REFERENCES club_readings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    fraction   REAL NOT NULL CHECK (fraction BETWEEN 0 AND 1),
    unit       TEXT NOT NULL,                   -- as the member gave it: pages, chapters, percent
    value      INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (reading_id, member_id)
) WITHOUT ROWID;

CREATE TABLE club_prompts (
    reading_id INTEGER NOT NULL REFERENCES club_readings (id) ON DELETE CASCADE,
    section    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (reading_id, section)
) WITHOUT ROWID;

CREATE TABLE club_votes (
    id         INTEGER PRIMARY KEY,
    club_id    INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    closes_at  TEXT NOT NULL,                   -- UTC
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'cancelled')),
    winner     INTEGER,                         -- position of the winning option
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX club_votes_by_club ON club_votes (club_id, state);

CREATE TABLE club_vote_options (
    vote_id  INTEGER NOT NULL REFERENCES club_votes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,                  -- 1-based, as listed: ties go to the lowest
    book_id  INTEGER REFERENCES books (id) ON DELETE SET NULL,
    title    TEXT NOT NULL,
    byline   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (vote_id, position)
) WITHOUT ROWID;

CREATE TABLE club_ballots (
    vote_id   INTEGER NOT NULL REFERENCES club_votes (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    cast_at   TEXT NOT NULL,
    PRIMARY KEY (vote_id, member_id)
) WITHOUT ROWID;

CREATE TABLE club_settings (
    community_id   INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    members_create INTEGER NOT NULL DEFAULT 0   -- 1: members may create clubs, not only moderators
);
