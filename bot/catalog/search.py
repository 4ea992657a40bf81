"""Finding books: by ISBN, or full text ranked by relevance, then by copies on the shelf.

Ranking every match with bm25 costs about a microsecond a matching row, and a broad word
("novel", "sejarah", a two-letter prefix) matches a large part of a big catalog. So the search is
bounded: it first asks the index for at most ``CANDIDATES + 1`` matches in rowid order, which
stops early. When there are no more than that, all of them are ranked, exactly. When there are
more, the query is broad: only the first ``CANDIDATES`` by rowid are ranked (title matches are
tried first, since a word in a title says more than a word in a description). Either way the
work per query stays bounded whatever the size of the catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.catalog.records import normalize_isbn
from bot.catalog.store import Book, Catalog

CANDIDATES = 4000
WEIGHTS = (10.0, 6.0, 3.0, 1.0)  # title, authors, subjects, description
ON_SHELF_BOOST = 1.15  # a book with a copy on the shelf ranks as if 15% more relevant
_WORD = re.compile(r"\w+", re.UNICODE)
_RANKED = f"""
    SELECT f.rowid
    FROM books_fts AS f JOIN books AS b ON b.id = f.rowid
    WHERE books_fts MATCH :query AND f.rowid <= :last
    ORDER BY bm25(books_fts, {", ".join(map(str, WEIGHTS))})
             * CASE WHEN b.available > 0 THEN {ON_SHELF_BOOST} ELSE 1.0 END,
             b.available DESC, f.rowid
    LIMIT :limit OFFSET :offset
"""


class Field(StrEnum):
    ANY = "any"
    TITLE = "title"
    AUTHOR = "author"
    SUBJECT = "subject"
    ISBN = "isbn"


_COLUMN = {Field.TITLE: "title", Field.AUTHOR: "authors", Field.SUBJECT: "subjects"}


@dataclass(frozen=True, slots=True)
class Results:
    books: list[Book]
    exact: bool
    """False when the query was broad and only a bounded share of its matches was ranked."""


def match_expression(text: str, field: Field = Field.ANY, *, prefix: bool = True) -> str | None:
    """An FTS5 query: every word must match; the last word also as the start of a word."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    if prefix and len(words[-1]) >= 2:
        terms[-1] += "*"
    expression = " ".join(terms)
    column = _COLUMN.get(field)
    return f"{column} : ({expression})" if column else expression


async def search(
    catalog: Catalog, text: str, *, field: Field = Field.ANY, limit: int = 10, offset: int = 0
) -> Results:
    text = text.strip()
    isbn = normalize_isbn(text) if field in (Field.ANY, Field.ISBN) else None
    if isbn is not None or field is Field.ISBN:
        return Results(await _by_isbn(catalog, isbn), exact=True)
    expression = match_expression(text, field)
    if expression is None:
        return Results([], exact=True)
    ids, exact = await _ranked(catalog, expression, limit, offset)
    if not exact and field is Field.ANY:
        titles = match_expression(text, Field.TITLE)
        assert titles is not None
        title_ids, _ = await _ranked(catalog, titles, limit, offset)
        ids = list(dict.fromkeys([*title_ids, *ids]))[:limit]
    return Results(await catalog.books(ids), exact)


async def _ranked(
    catalog: Catalog, expression: str, limit: int, offset: int
) -> tuple[list[int], bool]:
    store = catalog.store
    last = await store.fetchval(
        "SELECT rowid FROM books_fts WHERE books_fts MATCH ? ORDER BY rowid LIMIT 1 OFFSET ?",
        (expression, CANDIDATES),
    )
    exact = last is None
    rows = await store.fetchall(
        _RANKED,
        {
            "query": expression,
            "last": (1 << 62) if exact else last - 1,
            "limit": limit,
            "offset": offset,
        },
    )
    return [row[0] for row in rows], exact


async def _by_isbn(catalog: Catalog, isbn: str | None) -> list[Book]:
    if isbn is None:
        return []
    rows = await catalog.store.fetchall("SELECT book_id FROM book_isbns WHERE isbn = ?", (isbn,))
    return await catalog.books([row[0] for row in rows])
