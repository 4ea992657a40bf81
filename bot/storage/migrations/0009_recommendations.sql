-- Members' shelves and ratings, members' suggestions with their upvotes, and unmet demand
-- (searches and recommendations the library could not satisfy), for recommendations and for
-- acquisitions. Every lookup is by an indexed key, so nothing scans the catalog or all ratings.

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

-- One row each time a member asked for something the library could not give: a title it does
-- not have ('missing', `wanted` is what they typed) or one whose every copy is on loan
-- ('on_loan', with the book). `key` groups the same ask typed differently.
CREATE TABLE unmet_demand (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('missing', 'on_loan')),
    key          TEXT NOT NULL,
    wanted       TEXT NOT NULL,
    book_id      INTEGER REFERENCES books (id) ON DELETE SET NULL,
    member_id    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    community_id INTEGER REFERENCES communities (id) ON DELETE SET NULL
);
CREATE INDEX unmet_demand_by_time ON unmet_demand (at);
CREATE INDEX unmet_demand_by_key ON unmet_demand (kind, key, at);
CREATE INDEX unmet_demand_by_book ON unmet_demand (book_id);
