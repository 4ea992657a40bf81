-- legacy: 8
-- Quiz competitions: packs a community imported, quizzes with the questions they asked (a
-- snapshot, so a restart or a re-imported pack changes nothing mid-quiz), every member's answer
-- (one per question: the primary key refuses a second), and seasons for the leaderboards.

CREATE TABLE quiz_packs (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    source       TEXT NOT NULL,             -- the pack's TOML text, validated when imported
    imported_at  TEXT NOT NULL,
    UNIQUE (community_id, key)
);

CREATE TABLE quiz_seasons (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    destination  TEXT NOT NULL,             -- where it was started (Destination.key())
    started_at   TEXT NOT NULL,             -- UTC, ISO 8601
    ends_at      TEXT,                      -- the planned end, if one was given
    ended_at     TEXT,                      -- NULL while the season runs
    UNIQUE (community_id, name)
);
CREATE UNIQUE INDEX quiz_seasons_one_open ON quiz_seasons (community_id) WHERE ended_at IS NULL;

CREATE TABLE quizzes (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season_id    INTEGER REFERENCES quiz_seasons (id) ON DELETE SET NULL,
    destination  TEXT NOT NULL,             -- where it is played (Destination.key())
    channel      TEXT NOT NULL,             -- platform:channel:thread, one running quiz each
    pack_key     TEXT NOT NULL,
    pack_title   TEXT NOT NULL,
    seconds      INTEGER NOT NULL,          -- per question
    mode         TEXT NOT NULL CHECK (mode IN ('buttons', 'poll')),
    state        TEXT NOT NULL DEFAULT 'running'
                 CHECK (state IN ('running', 'finished', 'stopped')),
    started_by   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT
);
CREATE UNIQUE INDEX quizzes_one_running ON quizzes (channel) WHERE state = 'running';
CREATE INDEX quizzes_by_community ON quizzes (community_id, season_id);

CREATE TABLE quiz_questions (
    id          INTEGER PRIMARY KEY,        -- carried by answer buttons: /answer #id B
    quiz_id     INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,           -- 1, 2, … in the order asked
    prompt      TEXT NOT NULL,
    choices     TEXT NOT NULL DEFAULT '[]', -- JSON array, already shuffled
    correct     INTEGER,                    -- index into choices; NULL: typed answers only
    answers     TEXT NOT NULL DEFAULT '[]', -- JSON array of accepted typed answers
    explanation TEXT NOT NULL DEFAULT '',
    image       TEXT NOT NULL DEFAULT '',
    opened_at   TEXT,                       -- UTC; NULL until asked
    closes_at   TEXT,
    closed_at   TEXT,
    UNIQUE (quiz_id, position)
);

CREATE TABLE quiz_answers (
    question_id INTEGER NOT NULL REFERENCES quiz_questions (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer      TEXT NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (question_id, member_id)
) WITHOUT ROWID;
CREATE INDEX quiz_answers_by_member ON quiz_answers (member_id);
