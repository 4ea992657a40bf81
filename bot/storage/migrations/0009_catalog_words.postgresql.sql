-- PostgreSQL's text of 0009_catalog_words.sql: a new database has no catalog words to read yet.
-- The words of titles and authors with how often each is used, what a misspelt search word is
-- compared with (bot/catalog/vocabulary.py). The catalog store keeps it in step with books and
-- bumps the generation on every change, so a search process knows to load the words again.
CREATE TABLE catalog_words (
    word TEXT PRIMARY KEY,
    uses BIGINT NOT NULL
);

CREATE TABLE catalog_words_generation (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO catalog_words_generation VALUES (1, 0);
