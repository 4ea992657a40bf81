-- The full-text index holds the catalog's text folded (bot/storage/folding.py: modifier letters
-- such as the prime in "Ipatʹevskīĭ" and spacing accents removed), so that a title is found by
-- its plain spelling. The index is filled again through the store's `fold` function, ASCII text
-- as it is, and the words a misspelt search is corrected from are counted again from it.
INSERT INTO books_fts (books_fts) VALUES ('delete-all');
INSERT INTO books_fts (rowid, title, authors, subjects, description)
    SELECT id,
        CASE WHEN length(title) = length(CAST(title AS BLOB)) THEN title ELSE fold(title) END,
        CASE WHEN length(authors) = length(CAST(authors AS BLOB)) THEN authors ELSE fold(authors) END,
        CASE WHEN length(subjects) = length(CAST(subjects AS BLOB)) THEN subjects ELSE fold(subjects) END,
        CASE WHEN length(description) = length(CAST(description AS BLOB)) THEN description
            ELSE fold(description) END
    FROM books;

DELETE FROM catalog_words;
CREATE VIRTUAL TABLE temp.books_columns USING fts5vocab (main, books_fts, 'col');
INSERT INTO catalog_words (word, uses)
    SELECT term, sum(cnt) FROM temp.books_columns WHERE col IN ('title', 'authors') GROUP BY term;
DROP TABLE temp.books_columns;
UPDATE catalog_words_generation SET generation = generation + 1;
