-- On PostgreSQL the search index is written by bot/catalog/store.py and bot/storage/dialect.py,
-- not by SQLite's FTS5 and its `fold` function: nothing to re-fold here. Folding modifier
-- letters (bot/storage/folding.py) into the PostgreSQL index is not done yet (issue 19).
SELECT 1;
