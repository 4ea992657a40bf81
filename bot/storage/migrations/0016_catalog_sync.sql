-- Catalog sources kept in step with the library system ([[catalog.sources]]):
-- how each source's last sync went, and when each book's copies were last read from its source.

CREATE TABLE catalog_sync (
    source         TEXT PRIMARY KEY,        -- the name its books are kept under (books.source)
    last_sync      TEXT,                    -- when the last incremental sync finished
    last_full      TEXT,                    -- when the last full reconciliation finished
    failing_since  TEXT,                    -- the first failure of the current outage, if any
    last_error     TEXT,
    told           INTEGER NOT NULL DEFAULT 0 CHECK (told IN (0, 1)),
                                            -- moderators told of the current outage
    full_token     TEXT                     -- an unfinished reconciliation's next page
) WITHOUT ROWID;

-- The records an unfinished full reconciliation has read so far: it resumes from full_token
-- and, once every page is read, removes the source's books not among them.
CREATE TABLE catalog_sync_seen (
    source    TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (source, source_id)
) WITHOUT ROWID;

-- Keyed like books (not by a foreign key to books.id: a reference to books is a member's, which
-- removing a source makes follow the same book elsewhere; bot/catalog/sources.py).
CREATE TABLE catalog_availability (
    source     TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    checked_at TEXT NOT NULL,               -- when its copies were last read from the source
    PRIMARY KEY (source, source_id)
) WITHOUT ROWID;
CREATE INDEX catalog_availability_by_age ON catalog_availability (checked_at);
