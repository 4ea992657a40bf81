-- legacy: 9
-- Unmet demand: searches and recommendations the library could not satisfy, for acquisitions.

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
