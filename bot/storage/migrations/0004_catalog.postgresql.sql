-- legacy: 4
-- PostgreSQL's text of 0004_catalog.sql: FTS5 has no translation, so the index is a table.
-- The library's catalog: one row a title, its copies, a full-text index, new arrivals,
-- harvest progress and the Open Library answer cache.

CREATE TABLE books (
    id          BIGINT PRIMARY KEY,
    source      TEXT NOT NULL,              -- "sample", "slims", "koha", an OAI-PMH base URL …
    source_id   TEXT NOT NULL,              -- the record's id in that source
    title       TEXT NOT NULL,
    authors     TEXT NOT NULL DEFAULT '[]', -- JSON array
    subjects    TEXT NOT NULL DEFAULT '[]', -- JSON array
    description TEXT NOT NULL DEFAULT '',
    language    TEXT,
    year        BIGINT,
    isbns       TEXT NOT NULL DEFAULT '[]', -- JSON array of 13-digit ISBNs
    publisher   TEXT,
    cover       TEXT,
    pages       BIGINT,
    fingerprint TEXT NOT NULL,
    added_at    TEXT NOT NULL,              -- first seen: new arrivals are listed by this
    updated_at  TEXT NOT NULL,
    copies      BIGINT NOT NULL DEFAULT 0,
    available   BIGINT NOT NULL DEFAULT 0, -- copies on the shelf now
    UNIQUE (source, source_id)
);
CREATE TRIGGER pustaka_rowid BEFORE INSERT ON books
    FOR EACH ROW EXECUTE FUNCTION pustaka_rowid('id');
CREATE INDEX books_by_added ON books (added_at);

CREATE TABLE book_isbns (
    isbn    TEXT NOT NULL,
    book_id BIGINT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    PRIMARY KEY (isbn, book_id)
);

CREATE TABLE copies (
    id          BIGINT PRIMARY KEY,
    book_id     BIGINT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    barcode     TEXT,
    call_number TEXT,
    location    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('available', 'on_loan', 'not_for_loan', 'missing')),
    due         TEXT                        -- ISO date while on loan
);
CREATE TRIGGER pustaka_rowid BEFORE INSERT ON copies
    FOR EACH ROW EXECUTE FUNCTION pustaka_rowid('id');
CREATE INDEX copies_by_book ON copies (book_id);

-- Searchable text (PostgreSQL): the same columns as SQLite's FTS5 index, folded the way its
-- unicode61 tokenizer with remove_diacritics folds them (lower case, accents removed, split at
-- anything not a letter or a digit) into one tsvector, each column its own weight, so that
-- `column : (...)` in an FTS5 query is a weight filter (bot/storage/dialect.py).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION pustaka_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_replace(lower(unaccent($1)), '[^[:alnum:]]+', ' ', 'g') $$;
CREATE TABLE books_fts (
    rowid       BIGINT PRIMARY KEY,
    title       TEXT NOT NULL DEFAULT '',
    authors     TEXT NOT NULL DEFAULT '',
    subjects    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    document    tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', pustaka_fold(title)), 'A')
                    || setweight(to_tsvector('simple', pustaka_fold(authors)), 'B')
                    || setweight(to_tsvector('simple', pustaka_fold(subjects)), 'C')
                    || setweight(to_tsvector('simple', pustaka_fold(description)), 'D')
                ) STORED
);
CREATE INDEX books_fts_document ON books_fts USING gin (document);

CREATE TABLE harvests (
    url             TEXT NOT NULL,
    metadata_prefix TEXT NOT NULL,
    set_spec        TEXT NOT NULL DEFAULT '',
    last_from       TEXT NOT NULL,          -- the responseDate of the last complete harvest
    PRIMARY KEY (url, metadata_prefix, set_spec)
);

CREATE TABLE openlibrary_cache (
    url        TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
