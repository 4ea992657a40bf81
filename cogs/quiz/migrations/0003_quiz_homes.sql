-- A quiz started in a linked community's home is played in every home of its circle (the
-- Discord channel and the Telegram group together): one question, one leaderboard, answers from
-- any home. The quiz's own channel stays in `quizzes`; its other homes are here, each with the
-- mode it is asked in there (a Telegram quiz poll, or buttons). `running` mirrors the quiz's state
-- so that a channel still has at most one running quiz.

CREATE TABLE quiz_homes (
    quiz_id      INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    destination  TEXT NOT NULL,
    channel      TEXT NOT NULL,
    mode         TEXT NOT NULL CHECK (mode IN ('buttons', 'poll')),
    running      INTEGER NOT NULL DEFAULT 1 CHECK (running IN (0, 1)),
    PRIMARY KEY (quiz_id, channel)
) WITHOUT ROWID;
CREATE UNIQUE INDEX quiz_homes_one_running ON quiz_homes (channel) WHERE running = 1;

INSERT INTO quiz_homes (quiz_id, community_id, destination, channel, mode, running)
    SELECT id, community_id, destination, channel, mode, 1 FROM quizzes WHERE state = 'running';
