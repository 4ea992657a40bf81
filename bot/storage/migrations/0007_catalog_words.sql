-- The words of titles and authors with how many books use each, what a misspelt search word is
-- compared with (bot/catalog/vocabulary.py). The catalog store keeps it in step with books and
-- bumps the generation on every change, so a search process knows to load the words again.
CREATE TABLE catalog_words (
    word  TEXT PRIMARY KEY,
    books INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE catalog_words_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO catalog_words_generation VALUES (1, 0);

-- An existing catalog's words, read from its full-text index.
CREATE VIRTUAL TABLE temp.books_instances USING fts5vocab (main, books_fts, 'instance');
INSERT INTO catalog_words (word, books)
    SELECT term, count(DISTINCT doc) FROM temp.books_instances
    WHERE col IN ('title', 'authors') GROUP BY term;
DROP TABLE temp.books_instances;
