"""Catalog sources: the bundled sample, the library's SLiMS export, a harvested OAI-PMH base URL …

Every book belongs to one source (`books.source`). A source can be listed with its counts and
removed whole. Removing one must not leave members' things dangling: every row elsewhere that
refers to a removed book (a shelf, a rating, a club's reading, a vote, a want; found through the
database's foreign keys to ``books``, so a feature's new table is covered without being named
here) follows the same book in another source, found by a shared ISBN, else by the same title
and first author once case, accents, punctuation, a subtitle and the order of the name's parts
are set aside. What has no such book takes its table's ``ON DELETE`` rule: a club's reading and
a want keep their title, a shelf entry or rating of a book the library does not have goes.

The sample is not loaded again once removed (`catalog_removed_sources`), so that a library that
removed every source starts empty rather than with the sample back.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.catalog.importers.base import match_key
from bot.catalog.store import delete_books
from bot.storage.folding import fold
from bot.storage.store import Store, Transaction
from bot.time.clock import Clock

# Tables that describe the book itself: they go with it, nothing to follow.
_OWN_TABLES = frozenset({"copies", "book_isbns"})


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    books: int
    copies: int


@dataclass(frozen=True, slots=True)
class Removal:
    """What removing a source did: books removed, references that followed the same book in
    another source, references left to their table's ON DELETE rule."""

    source: str
    books: int
    followed: int
    dropped: int


async def list_sources(store: Store) -> list[Source]:
    """Every source with books, the largest first."""
    rows = await store.fetchall(
        "SELECT source, count(*), coalesce(sum(copies), 0) FROM books"
        " GROUP BY source ORDER BY count(*) DESC, source"
    )
    return [Source(row[0], int(row[1]), int(row[2])) for row in rows]


async def book_count(store: Store, source: str) -> int:
    return int(await store.fetchval("SELECT count(*) FROM books WHERE source = ?", (source,)))


async def was_removed(store: Store, source: str) -> bool:
    found = await store.fetchval(
        "SELECT 1 FROM catalog_removed_sources WHERE source = ?", (source,)
    )
    return bool(found)


async def remove_source(store: Store, clock: Clock, source: str) -> Removal:
    """Remove every book of `source`; references to them follow the same book elsewhere."""
    async with store.transaction() as tx:
        rows = await tx.fetchall("SELECT id FROM books WHERE source = ?", (source,))
        ids = [row[0] for row in rows]
        followed, dropped = await remove_books(tx, ids)
        await tx.execute(
            "INSERT INTO catalog_removed_sources (source, removed_at) VALUES (?, ?)"
            " ON CONFLICT (source) DO UPDATE SET removed_at = excluded.removed_at",
            (source, clock.now().isoformat()),
        )
        await tx.execute("DELETE FROM harvests WHERE url = ?", (source,))
    return Removal(source, len(ids), followed, dropped)


async def remove_books(tx: Transaction, ids: Sequence[int]) -> tuple[int, int]:
    """Remove these books; what referred to them follows the same book among those kept.

    Returns (references that followed, references left to their table's ON DELETE rule).
    """
    await tx.execute("CREATE TEMP TABLE IF NOT EXISTS removing (id INTEGER PRIMARY KEY)")
    await tx.execute("DELETE FROM temp.removing")
    await tx.executemany("INSERT OR IGNORE INTO temp.removing (id) VALUES (?)", [(i,) for i in ids])
    try:
        references = await _references(tx)
        referenced = await _referenced_books(tx, references)
        successors = await _successors(tx, referenced)
        before = await _count_references(tx, references)
        for table, column in references:
            # A row that would repeat one the member has on the other record already is
            # dropped with the book: what it said is there.
            await _update_or_ignore(tx, table, column, successors)
        left = await _count_references(tx, references, exclude=successors.keys())
        await delete_books(tx, ids)
    finally:
        await tx.execute("DELETE FROM temp.removing")
    return before - left, left


async def _update_or_ignore(
    tx: Transaction, table: str, column: str, successors: dict[int, int]
) -> None:
    """Point `column` at each book's successor, except in rows where that would repeat a row
    already there (a unique key): SQLite's UPDATE OR IGNORE, which PostgreSQL lacks."""
    pairs = [(new, old) for old, new in successors.items()]
    if tx.dialect != "postgresql":
        await tx.executemany(f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?", pairs)
        return
    keys = await tx.fetchall(
        "SELECT array_agg(a.attname::text) FROM pg_constraint AS c"
        " JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
        " WHERE c.conrelid = CAST(? AS regclass) AND c.contype IN ('p', 'u')"
        " GROUP BY c.oid",
        (table,),
    )
    clashes = [
        "EXISTS (SELECT 1 FROM {t} AS other WHERE other.{c} = ?{rest})".format(
            t=table,
            c=column,
            rest="".join(f" AND other.{k} = {table}.{k}" for k in key if k != column),
        )
        for (key,) in keys
        if column in key
    ]
    guard = f" AND NOT ({' OR '.join(clashes)})" if clashes else ""
    await tx.executemany(
        f"UPDATE {table} SET {column} = ? WHERE {column} = ?{guard}",
        [(new, old, *[new] * len(clashes)) for new, old in pairs],
    )


async def _references(tx: Transaction) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to books, outside the book's own tables."""
    if tx.dialect == "postgresql":
        rows = await tx.fetchall(
            "SELECT t.relname, a.attname FROM pg_constraint AS c"
            " JOIN pg_class AS t ON t.oid = c.conrelid"
            " JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
            " WHERE c.contype = 'f' AND c.confrelid = 'books'::regclass ORDER BY t.relname"
        )
        return [(row[0], row[1]) for row in rows if row[0] not in _OWN_TABLES]
    rows = await tx.fetchall(
        'SELECT m.name, f."from" FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f'
        " WHERE m.type = 'table' AND f.\"table\" = 'books' ORDER BY m.name"
    )
    return [(row[0], row[1]) for row in rows if row[0] not in _OWN_TABLES]


async def _referenced_books(tx: Transaction, references: Sequence[tuple[str, str]]) -> list[int]:
    """The books being removed that something refers to."""
    found: set[int] = set()
    for table, column in references:
        rows = await tx.fetchall(
            f"SELECT DISTINCT {column} FROM {table}"
            f" WHERE {column} IN (SELECT id FROM temp.removing)"
        )
        found.update(row[0] for row in rows)
    return sorted(found)


async def _count_references(
    tx: Transaction, references: Sequence[tuple[str, str]], exclude: Collection[int] = ()
) -> int:
    """Rows referring to a book being removed, leaving out those referring to `exclude`."""
    total = 0
    for table, column in references:
        rows = await tx.fetchall(
            f"SELECT {column} FROM {table} WHERE {column} IN (SELECT id FROM temp.removing)"
        )
        total += sum(1 for row in rows if row[0] not in exclude)
    return total


async def _successors(tx: Transaction, books: Sequence[int]) -> dict[int, int]:
    """For each of these books being removed, the same book among those kept, if there is one."""
    found: dict[int, int] = {}
    for book_id in books:
        row = await tx.fetchone("SELECT title, authors FROM books WHERE id = ?", (book_id,))
        if row is None:
            continue
        by_isbn = await tx.fetchval(
            "SELECT other.book_id FROM book_isbns AS mine"
            " JOIN book_isbns AS other ON other.isbn = mine.isbn"
            " WHERE mine.book_id = ? AND other.book_id NOT IN (SELECT id FROM temp.removing)"
            " ORDER BY other.book_id LIMIT 1",
            (book_id,),
        )
        if by_isbn is not None:
            found[book_id] = int(by_isbn)
        elif (same := await _same_title_and_author(tx, row[0], row[1])) is not None:
            found[book_id] = same
    return found


async def _same_title_and_author(tx: Transaction, title: str, authors_json: str) -> int | None:
    words = (fold(_title_key(title)) or "").split()
    if not words:
        return None
    wanted = (_title_key(title), _author_key(authors_json))
    phrase = '"' + " ".join(words) + '"'
    rows = await tx.fetchall(
        "SELECT books.id, books.title, books.authors FROM books_fts"
        " JOIN books ON books.id = books_fts.rowid"
        " WHERE books_fts MATCH ? AND books.id NOT IN (SELECT id FROM temp.removing)"
        " ORDER BY books.id LIMIT 200",
        (f"title : {phrase}",),
    )
    for row in rows:
        if (_title_key(row[1]), _author_key(row[2])) == wanted:
            return int(row[0])
    return None


def _title_key(title: str) -> str:
    """The title without case, accents, punctuation or subtitle: "Laskar pelangi" as "Laskar
    Pelangi", "Bumi Manusia: sebuah roman" as "Bumi Manusia"."""
    return match_key(title.split(":")[0]) or match_key(title)


def _author_key(authors_json: str) -> frozenset[str]:
    """The first author's name as a set of words: "Hirata, Andrea" is "Andrea Hirata"."""
    authors = json.loads(authors_json or "[]")
    return frozenset(match_key(authors[0]).split()) if authors else frozenset()
