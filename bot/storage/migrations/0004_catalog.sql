-- legacy: 4
-- The library's catalog: one row a title, its copies, a full-text index, new arrivals,
-- harvest progress and the Open Library answer cache.

CREATE TABLE books (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,              -- "sample", "slims", "koha", an OAI-PMH base URL …
    source_id   TEXT NOT NULL,              -- the record's id in that source
    title       TEXT NOT NULL,
    authors     TEXT NOT NULL DEFAULT '[]', -- JSON array
    subjects    TEXT NOT NULL DEFAULT '[]', -- JSON array
    description TEXT NOT NULL DEFAULT '',
    language    TEXT,
    year        INTEGER,
    isbns       TEXT NOT NULL DEFAULT '[]', -- JSON array of 13-digit ISBNs
    publisher   TEXT,
    cover       TEXT,
    pages       INTEGER,
    fingerprint TEXT NOT NULL,
    added_at    TEXT NOT NULL,              -- first seen: new arrivals are listed by this
    updated_at  TEXT NOT NULL,
    copies      INTEGER NOT NULL DEFAULT 0,
    available   INTEGER NOT NULL DEFAULT 0, -- copies on the shelf now
    UNIQUE (source, source_id)
);
CREATE INDEX books_by_added ON books (added_at);

CREATE TABLE book_isbns (
    isbn    TEXT NOT NULL,
    book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    PRIMARY KEY (isbn, book_id)
) WITHOUT ROWID;

CREATE TABLE copies (
    id          INTEGER PRIMARY KEY,
    book_id     INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    barcode     TEXT,
    call_number TEXT,
    location    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('available', 'on_loan', 'not_for_loan', 'missing')),
    due         TEXT                        -- ISO date while on loan
);
CREATE INDEX copies_by_book ON copies (book_id);

-- Searchable text, an external-content index over books. The catalog store keeps it in step
-- (not triggers, so a bulk import can rebuild it in one pass): the old text is deleted from the
-- index before a row changes, the new text inserted after.
CREATE VIRTUAL TABLE books_fts USING fts5 (
    title, authors, subjects, description,
    content = 'books',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE books_vocab USING fts5vocab (books_fts, 'row');

CREATE TABLE harvests (
    url             TEXT NOT NULL,
    metadata_prefix TEXT NOT NULL,
    set_spec        TEXT NOT NULL DEFAULT '',
    last_from       TEXT NOT NULL,          -- the responseDate of the last complete harvest
    PRIMARY KEY (url, metadata_prefix, set_spec)
) WITHOUT ROWID;

CREATE TABLE openlibrary_cache (
    url        TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) WITHOUT ROWID;
