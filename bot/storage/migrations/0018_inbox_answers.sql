-- Handlers idempotent by update id. An update handled again after a crash must not take effect
-- twice: the replies its handler produced are kept with it (`answer`, before they are sent), so
-- that an update taken up again is answered from there instead of running its command again;
-- and a write a command makes once per update (a reminder, a suggestion) keeps its result in
-- `update_effects`, in the same transaction, so a command cut before its answer was kept and run
-- again finds what it wrote the first time (bot/storage/inbox.py).

ALTER TABLE inbox ADD COLUMN answer TEXT;  -- JSON (bot/api/wire.py)

CREATE TABLE update_effects (
    platform  TEXT NOT NULL,
    update_id TEXT NOT NULL,
    name      TEXT NOT NULL,               -- which write of the command
    result    TEXT NOT NULL,               -- what it returned, JSON
    PRIMARY KEY (platform, update_id, name),
    FOREIGN KEY (platform, update_id) REFERENCES inbox (platform, update_id) ON DELETE CASCADE
) WITHOUT ROWID;
