-- What /stats reads, rolled up from the core's command_usage so a year of use is read in a
-- moment (cogs/stats/rollup.py). Hours and weeks are the community's wall-clock time when the
-- rows were rolled up. Private chats (no community) are left out.

CREATE TABLE stats_hours (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    hour         TEXT NOT NULL,      -- local 'YYYY-MM-DDTHH'
    command      TEXT NOT NULL,
    uses         INTEGER NOT NULL,
    PRIMARY KEY (community_id, hour, command)
) WITHOUT ROWID;

-- One row per member and week they used the bot in a community: active members per week.
CREATE TABLE stats_member_weeks (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    week         TEXT NOT NULL,      -- local date of the week's Monday
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    uses         INTEGER NOT NULL,
    PRIMARY KEY (community_id, week, member_id)
) WITHOUT ROWID;
CREATE INDEX stats_member_weeks_by_member ON stats_member_weeks (member_id);

-- The first and the latest week a member used the bot in a community: new members, and how
-- many took part since a week without reading every week's rows.
CREATE TABLE stats_members (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    first_week   TEXT NOT NULL,
    last_week    TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
CREATE INDEX stats_members_by_member ON stats_members (member_id);

-- How far command_usage has been rolled up (one row).
CREATE TABLE stats_rollup (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL
);

-- Books members opened (their card, from /book), counted per community and day: the titles most
-- looked up. No member is named.
CREATE TABLE stats_books_looked (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,      -- local date
    book_id      INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    looks        INTEGER NOT NULL,
    PRIMARY KEY (community_id, day, book_id)
) WITHOUT ROWID;

-- Members' responses to the bot's posts (cogs/stats/public.py Responded), published by the
-- feature that owns the post: which posts and series drew responses.
CREATE TABLE stats_responses (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    at           TEXT NOT NULL,      -- UTC
    post         TEXT NOT NULL,
    series       TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL CHECK (kind IN ('press', 'rsvp', 'vote', 'reply')),
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE
);
CREATE INDEX stats_responses_by_time ON stats_responses (community_id, at);
CREATE INDEX stats_responses_by_member ON stats_responses (member_id);
