"""Read-only catalog queries for recommendations, each bounded whatever the catalog's size.

Subjects and authors live in the books table as JSON arrays; the full-text index knows their
words. So a subject's books are found through the index (``subjects : ("fiksi sejarah")``) and
then checked exactly against the JSON: the index alone would also take "sejarah" for
"fiksi sejarah". The index is only ever read in rowid order from a starting point with a LIMIT,
which stops early: a window of the matching rows, never all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.storage.folding import fold
from bot.storage.store import Store
from cogs.recommend.themes import plain

_WORD = re.compile(r"\w+", re.UNICODE)
_loads = json.JSONDecoder().decode


@dataclass(frozen=True, slots=True)
class Candidate:
    """What scoring needs of a book, without its copies; the plain forms computed once."""

    id: int
    title: str
    authors: tuple[str, ...]
    subjects: tuple[str, ...]
    year: int | None
    language: str | None
    available: int
    copies: int
    subject_keys: frozenset[str] = frozenset()
    author_keys: frozenset[str] = frozenset()
    identity: tuple[str, str] = ("", "")
    """Title and first author: another record of the same book has the same identity."""

    @classmethod
    def of(
        cls,
        id: int,  # noqa: A002 - the column's name
        title: str,
        authors: tuple[str, ...],
        subjects: tuple[str, ...],
        year: int | None,
        language: str | None,
        available: int,
        copies: int,
    ) -> Candidate:
        return cls(
            id,
            title,
            authors,
            subjects,
            year,
            language,
            available,
            copies,
            frozenset(map(plain, subjects)),
            frozenset(map(plain, authors)),
            (plain(title), plain(authors[0]) if authors else ""),
        )


def phrase(text: str) -> str | None:
    """An FTS5 phrase for the words of `text` (folded as the index's are), or None when it has
    none."""
    words = [w.lower() for w in _WORD.findall(fold(text) or "")]
    return '"' + " ".join(words) + '"' if words else None


def column_match(column: str, values: Iterable[str]) -> str | None:
    """``column : ("a" OR "b c")``: any of the values as a phrase in that column."""
    phrases = list(dict.fromkeys(p for p in map(phrase, values) if p))
    return f"{column} : ({' OR '.join(phrases)})" if phrases else None


async def around(
    store: Store, queries: Sequence[str], pivot: int, half: int
) -> list[tuple[int, list[int], bool]]:
    """For each FTS query: the matching rowids nearest `pivot` (up to `half` on each side), and
    whether that was every match. One round trip for all of them."""
    if not queries:
        return []
    parts, params = [], []
    for index, query in enumerate(queries):
        parts.append(
            f"SELECT {index}, 0, rowid FROM (SELECT rowid FROM books_fts WHERE books_fts MATCH ?"
            " AND rowid >= ? ORDER BY rowid LIMIT ?)"
        )
        parts.append(
            f"SELECT {index}, 1, rowid FROM (SELECT rowid FROM books_fts WHERE books_fts MATCH ?"
            " AND rowid < ? ORDER BY rowid DESC LIMIT ?)"
        )
        params += [query, pivot, half, query, pivot, half]
    rows = await store.fetchall(" UNION ALL ".join(parts), params)
    found: list[list[int]] = [[] for _ in queries]
    sides: list[list[int]] = [[0, 0] for _ in queries]
    for index, side, rowid in rows:
        found[index].append(rowid)
        sides[index][side] += 1
    return [
        (index, ids, sides[index][0] < half and sides[index][1] < half)
        for index, ids in enumerate(found)
    ]


async def window(store: Store, query: str, start: int, size: int) -> list[int]:
    """Up to `size` matching rowids from `start` on, wrapping round to the first ones."""
    rows = await store.fetchall(
        "SELECT rowid FROM books_fts WHERE books_fts MATCH ? AND rowid >= ? ORDER BY rowid LIMIT ?",
        (query, start, size),
    )
    ids = [row[0] for row in rows]
    if len(ids) < size and start > 1:
        more = await store.fetchall(
            "SELECT rowid FROM books_fts WHERE books_fts MATCH ? AND rowid < ?"
            " ORDER BY rowid LIMIT ?",
            (query, start, size - len(ids)),
        )
        ids += [row[0] for row in more]
    return ids


async def top_id(store: Store) -> int:
    return int(await store.fetchval("SELECT coalesce(max(id), 0) FROM books"))


async def candidates(store: Store, ids: Iterable[int]) -> list[Candidate]:
    """The books with these ids, in id order (unknown ids left out)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    rows = await store.fetchall(
        "SELECT id, title, authors, subjects, year, language, available, copies"
        f" FROM books WHERE id IN ({marks}) ORDER BY id",
        wanted,
    )
    return [
        Candidate.of(
            row[0],
            row[1],
            tuple(_loads(row[2])),
            tuple(_loads(row[3])),
            row[4],
            row[5],
            row[6],
            row[7],
        )
        for row in rows
    ]


async def member_books(store: Store, member_id: int) -> dict[int, str]:
    """Every book the member has on their shelf or rated: book id → shelf status ('rated'
    when only rated). Bounded by what one member records."""
    rows = await store.fetchall(
        "SELECT book_id, status FROM shelf WHERE member_id = ?"
        " UNION ALL SELECT book_id, 'rated' FROM ratings WHERE member_id = ?",
        (member_id, member_id),
    )
    found: dict[int, str] = {}
    for book_id, status in rows:
        if found.get(book_id) in (None, "rated"):
            found[book_id] = status
    return found


async def liked_together(
    store: Store, books: Sequence[int], *, likers: int = 300, limit: int = 100
) -> dict[int, int]:
    """Books that members who liked (4–5 stars) any of `books` also liked: book id → how many
    such members. Bounded: at most `likers` members are asked, each by the ratings key."""
    if not books:
        return {}
    marks = ",".join("?" * len(books))
    members = await store.fetchall(
        f"SELECT DISTINCT member_id FROM ratings WHERE book_id IN ({marks}) AND stars >= 4 LIMIT ?",
        (*books, likers),
    )
    if not members:
        return {}
    people = [row[0] for row in members]
    member_marks = ",".join("?" * len(people))
    rows = await store.fetchall(
        "SELECT book_id, count(*) AS n FROM ratings"
        f" WHERE member_id IN ({member_marks}) AND stars >= 4 AND book_id NOT IN ({marks})"
        " GROUP BY book_id ORDER BY n DESC, book_id LIMIT ?",
        (*people, *books, limit),
    )
    return {row[0]: row[1] for row in rows}


async def member_seeds(store: Store, member_id: int) -> tuple[dict[int, float], set[int]]:
    """What a member's picks start from: book id → how much they liked it (5 stars 1.5,
    4 stars 1, 3 stars 0.5, read or reading unrated 0.8, wanted 0.5; 1–2 stars not at all),
    and every book they rated or shelved, never to be recommended to them."""
    rated = await store.fetchall(
        "SELECT book_id, stars FROM ratings WHERE member_id = ? ORDER BY rated_at DESC LIMIT 200",
        (member_id,),
    )
    shelved = await store.fetchall(
        "SELECT book_id, status FROM shelf WHERE member_id = ? ORDER BY updated_at DESC LIMIT 200",
        (member_id,),
    )
    liking = {5: 1.5, 4: 1.0, 3: 0.5}
    seeds: dict[int, float] = {}
    for book_id, stars in rated:
        if stars in liking:
            seeds[book_id] = liking[stars]
    rated_ids = {row[0] for row in rated}
    for book_id, status in shelved:
        if book_id not in rated_ids:
            seeds.setdefault(book_id, 0.5 if status == "want" else 0.8)
    return seeds, rated_ids | {row[0] for row in shelved}
