"""Finding books: by ISBN, or full text ranked by relevance, then by copies on the shelf.

bm25 costs about a microsecond for every row that matches any word of the query (its word
weights count them all), and a broad word ("novel", "sejarah", a two-letter prefix) matches a
large part of a big catalog. So ranking here is bounded and does not use bm25:

1. the index is asked for at most ``CANDIDATES + 1`` matching rows in rowid order, which stops
   early; when there are more, the query is broad and only the first ``CANDIDATES`` are ranked;
2. the same words are matched against the title, the authors and the subjects alone, within
   those candidates, which says where each candidate matched;
3. a candidate scores by where it matched (title above authors above subjects above the rest,
   a title equal to the query above all), is boosted when a copy is on the shelf, and ties go
   to the shorter title.

The work per query stays bounded whatever the size of the catalog.

When the words match nothing, `search_forgiving` tries again with each word the index does not
know replaced by the closest title or author word within one or two edits (`vocabulary`), and
says what it searched for instead ("pramudya" → "pramoedya").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.catalog.postgres_search import expected_share, first_matches
from bot.catalog.records import normalize_isbn
from bot.catalog.store import Book, Catalog
from bot.catalog.vocabulary import corrections, known
from bot.storage.dialect import fold as index_words
from bot.storage.dialect import fts_query
from bot.storage.folding import fold
from bot.storage.store import Store

CANDIDATES = 1000
WEIGHTS = {"title": 10.0, "authors": 6.0, "subjects": 3.0}  # a match anywhere else scores 1
EXACT_TITLE = 20.0
ON_SHELF_BOOST = 1.15  # a book with a copy on the shelf ranks as if 15% more relevant
_WORD = re.compile(r"\w+", re.UNICODE)


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
    corrected: str | None = None
    """What was searched for instead of a query that matched nothing (`search_forgiving`)."""


def match_expression(text: str, field: Field = Field.ANY, *, prefix: bool = True) -> str | None:
    """An FTS5 query: every word must match; the last word also as the start of a word. The
    words are folded as the indexed text is (bot/storage/folding.py)."""
    words = [w.lower() for w in _WORD.findall(fold(text) or "")]
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    if prefix and len(words[-1]) >= 3:
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
    ids, exact = await _ranked(catalog, text, expression, field)
    return Results(await catalog.books(ids[offset : offset + limit]), exact)


async def search_forgiving(
    catalog: Catalog, text: str, *, limit: int = 10, offset: int = 0
) -> Results:
    """`search`, and when it finds nothing, the search again with misspelt words corrected."""
    results = await search(catalog, text, limit=limit, offset=offset)
    if results.books or normalize_isbn(text) is not None:
        return results
    corrected = await correct(catalog, text)
    if corrected is None:
        return results
    again = await search(catalog, corrected, limit=limit, offset=offset)
    return Results(again.books, again.exact, corrected) if again.books else results


async def correct(catalog: Catalog, text: str) -> str | None:
    """The query with each word the index lacks replaced by its closest catalog word, or None
    when no word could be corrected."""
    words = [w.lower() for w in _WORD.findall(fold(text) or "")]
    fixed = []
    for word in words:
        word_plain = plain(word)
        if await known(catalog.store, word_plain):
            fixed.append(word_plain)
            continue
        found = await corrections(catalog.store, word_plain)
        fixed.append(found[0] if found else word_plain)
    if fixed == [plain(w) for w in words]:
        return None
    return " ".join(fixed)


async def _ranked(
    catalog: Catalog, text: str, expression: str, field: Field
) -> tuple[list[int], bool]:
    store = catalog.store
    if store.dialect == "postgresql":
        return await _ranked_postgresql(store, text, expression, field)
    rows = await store.fetchall(
        "SELECT rowid FROM books_fts WHERE books_fts MATCH ? ORDER BY rowid LIMIT ?",
        (expression, CANDIDATES + 1),
    )
    exact = len(rows) <= CANDIDATES
    candidates = [row[0] for row in rows[:CANDIDATES]]
    if not candidates:
        return [], True
    last = candidates[-1]
    score = dict.fromkeys(candidates, 1.0)
    words = match_expression(text, Field.ANY)
    for column, weight in WEIGHTS.items():
        if field is not Field.ANY and _COLUMN[field] != column:
            continue
        hits = await store.fetchall(
            "SELECT rowid FROM books_fts WHERE books_fts MATCH ? AND rowid <= ? LIMIT ?",
            (f"{column} : ({words})", last, CANDIDATES),
        )
        for (rowid,) in hits:
            if rowid in score:
                score[rowid] += weight
    marks = ",".join("?" * len(candidates))
    details = await store.fetchall(
        f"SELECT id, title, available FROM books WHERE id IN ({marks})", candidates
    )
    return _order(text, [(i, t, a, score[i]) for i, t, a in details]), exact


async def _ranked_postgresql(
    store: Store, text: str, expression: str, field: Field
) -> tuple[list[int], bool]:
    """`_ranked` on PostgreSQL: the same candidates, the first matches in id order
    (bot/catalog/postgres_search.py), each with the columns it matched in. A candidate matches a
    column's words exactly when a row up to the last candidate would: the candidates are every
    match up to it."""
    words = match_expression(text, Field.ANY)
    columns = [c for c in WEIGHTS if field is Field.ANY or _COLUMN[field] == c]
    lexemes = index_words(" ".join(_WORD.findall(fold(text) or "")))
    share = await expected_share(store, lexemes, prefix=bool(words and words.endswith("*")))
    rows = await first_matches(
        store,
        fts_query(expression),
        CANDIDATES + 1,
        [fts_query(f"{c} : ({words})") for c in columns],
        share,
    )
    exact = len(rows) <= CANDIDATES
    score = {
        book_id: 1.0 + sum(WEIGHTS[c] for c, hit in zip(columns, matched, strict=True) if hit)
        for book_id, *matched in rows[:CANDIDATES]
    }
    if not score:
        return [], True
    details = await store.fetchall(
        "SELECT id, title, available FROM books WHERE id = ANY(?)", (list(score),)
    )
    return _order(text, [(i, t, a, score[i]) for i, t, a in details]), exact


def _order(text: str, scored: list[tuple[int, str, int, float]]) -> list[int]:
    """Ids by score (an exact title and a copy on the shelf raise it), then copies on the
    shelf, then the shorter title."""
    wanted = plain(text)
    order = []
    for book_id, title, available, score in scored:
        value = score
        if plain(title) == wanted:
            value += EXACT_TITLE
        if available:
            value *= ON_SHELF_BOOST
        order.append((-value, -available, len(title), book_id))
    order.sort()
    return [book_id for *_, book_id in order]


def plain(text: str) -> str:
    """Words only, lower case, accents and modifier letters removed: "Ronggéng  Dukuh" →
    "ronggeng dukuh", "Ipatʹevskīĭ" → "ipatevskii"."""
    decomposed = unicodedata.normalize("NFKD", fold(text.casefold()) or "")
    return " ".join(_WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c))))


async def _by_isbn(catalog: Catalog, isbn: str | None) -> list[Book]:
    if isbn is None:
        return []
    rows = await catalog.store.fetchall("SELECT book_id FROM book_isbns WHERE isbn = ?", (isbn,))
    return await catalog.books([row[0] for row in rows])
