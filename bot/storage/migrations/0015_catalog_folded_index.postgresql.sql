-- PostgreSQL's text of 0015_catalog_folded_index.sql: the search index's text folded again
-- through `fold` (modifier letters and spacing accents removed, as bot/storage/folding.py does;
-- the store creates the function: bot/storage/postgres.py), so that "Ipatʹevskīĭ" is found as
-- "ipatevskii" as on SQLite. The catalog words are counted in Python (bot/catalog/vocabulary.py)
-- from folded text already.
UPDATE books_fts SET title = fold(books.title), authors = fold(books.authors),
    subjects = fold(books.subjects), description = fold(books.description)
    FROM books WHERE books.id = books_fts.rowid;
