-- Packs a community switched off (/quiz disable): not listed, started or scheduled there until
-- switched on again. A bundled pack is shared by every community, so switching it off is per
-- community; a community's own pack can also simply be removed (/quiz remove).
CREATE TABLE quiz_packs_off (
    community_id INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    PRIMARY KEY (community_id, key)
);
