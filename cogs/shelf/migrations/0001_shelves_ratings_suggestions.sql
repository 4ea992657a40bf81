-- legacy: 9
-- Members' shelves and ratings, and members' suggestions with their upvotes. Every lookup is by
-- an indexed key, so nothing scans the catalog or all ratings.

CREATE TABLE shelf (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    book_id    INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('want', 'reading', 'read')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (member_id, book_id)
) WITHOUT ROWID;
CREATE INDEX shelf_by_book ON shelf (book_id);

CREATE TABLE ratings (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    book_id   INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    stars     INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    review    TEXT NOT NULL DEFAULT '',
    rated_at  TEXT NOT NULL,
    PRIMARY KEY (member_id, book_id)
) WITHOUT ROWID;
-- "readers of X also liked": who liked a book, then what else each of them liked (the key).
CREATE INDEX ratings_by_book ON ratings (book_id, stars, member_id);

CREATE TABLE suggestions (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    book_id      INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL              -- UTC, ISO 8601
);
CREATE INDEX suggestions_by_community ON suggestions (community_id, created_at);
CREATE INDEX suggestions_by_book ON suggestions (book_id);

CREATE TABLE suggestion_votes (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    voted_at      TEXT NOT NULL,
    PRIMARY KEY (suggestion_id, member_id)
) WITHOUT ROWID;
