-- Catalog sources a librarian removed (the bundled sample once the library's own catalog came
-- in): the sample is not loaded again at the next start even if the catalog is then empty.

CREATE TABLE catalog_removed_sources (
    source     TEXT PRIMARY KEY,
    removed_at TEXT NOT NULL
) WITHOUT ROWID;
