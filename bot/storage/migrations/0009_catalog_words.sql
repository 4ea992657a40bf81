-- The words of titles and authors with how often each is used, what a misspelt search word is
-- compared with (bot/catalog/vocabulary.py). The catalog store keeps it in step with books and
-- bumps the generation on every change, so a search process knows to load the words again.
CREATE TABLE catalog_words (
    word TEXT PRIMARY KEY,
    uses INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE catalog_words_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO catalog_words_generation VALUES (1, 0);

-- An existing catalog's words, read from its full-text index.
CREATE VIRTUAL TABLE temp.books_columns USING fts5vocab (main, books_fts, 'col');
INSERT INTO catalog_words (word, uses)
    SELECT term, sum(cnt) FROM temp.books_columns WHERE col IN ('title', 'authors') GROUP BY term;
DROP TABLE temp.books_columns;
