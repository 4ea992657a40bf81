-- The durable inbox: every update a platform hands over is stored before the platform is told
-- it arrived (Telegram's next getUpdates offset), then handled from here; one stored but not
-- finished when the process stopped is handled at the next start.

CREATE TABLE inbox (
    platform    TEXT NOT NULL,
    update_id   TEXT NOT NULL,
    payload     TEXT NOT NULL,             -- the update as the platform sent it (JSON)
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'done', 'skipped')),
    received_at TEXT NOT NULL,             -- UTC, ISO 8601
    finished_at TEXT,
    PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;
CREATE INDEX inbox_pending ON inbox (platform, state);
