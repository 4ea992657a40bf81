-- legacy: 11
-- The same table of copies, its status checked with comparisons instead of an IN list. SQLite
-- builds an IN list's lookup table again each time a statement is reset, which executemany does
-- for every row: 2 µs a copy, an eighth of a million-title import (bench/catalog_import.py).
-- Nothing references copies, so the table is rebuilt in place.

CREATE TABLE copies_new (
    id          INTEGER PRIMARY KEY,
    book_id     INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    barcode     TEXT,
    call_number TEXT,
    location    TEXT,
    status      TEXT NOT NULL CHECK (
                    status = 'available' OR status = 'on_loan'
                    OR status = 'not_for_loan' OR status = 'missing'),
    due         TEXT                        -- ISO date while on loan
);
INSERT INTO copies_new (id, book_id, barcode, call_number, location, status, due)
    SELECT id, book_id, barcode, call_number, location, status, due FROM copies;
DROP TABLE copies;
ALTER TABLE copies_new RENAME TO copies;
CREATE INDEX copies_by_book ON copies (book_id);
