-- A search ranks the first matches in id order (bot/catalog/search.py). A GIN index answers
-- with every match, in no order, so a common word meant reading a large part of the table and
-- sorting it, and a rare one, when the planner walked the primary key instead, the whole table.
-- Each row's document also holds its id's octave as a word no search word can be ("#13" for ids
-- below 8192, "#14" for 8192 to 16383, then "#n" for 2^(n-1) to 2^n - 1): asking for the query
-- AND one octave or a few, lowest first, the index itself keeps only the matches among those ids
-- (bot/catalog/postgres_search.py). The index no longer takes new rows into a pending list,
-- which every search would read through until a vacuum.
CREATE FUNCTION pustaka_octave(bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '#' || CASE WHEN $1 < 8192 THEN 13
        ELSE 65 - position('1' IN CAST(CAST($1 AS bit(64)) AS text)) END $$;
DROP INDEX books_fts_document;
ALTER TABLE books_fts DROP COLUMN document;
ALTER TABLE books_fts ADD COLUMN document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', pustaka_fold(title)), 'A')
    || setweight(to_tsvector('simple', pustaka_fold(authors)), 'B')
    || setweight(to_tsvector('simple', pustaka_fold(subjects)), 'C')
    || setweight(to_tsvector('simple', pustaka_fold(description)), 'D')
    || array_to_tsvector(ARRAY[pustaka_octave(rowid)])
) STORED;
CREATE INDEX books_fts_document ON books_fts USING gin (document) WITH (fastupdate = off);
