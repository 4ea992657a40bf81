"""The first matches of a full-text query in id order, from PostgreSQL's GIN index.

FTS5 walks its index in rowid order and stops after the first matches; a GIN index returns every
match in no order. Sorting them costs as much as there are matches (a common word matches a
large part of a big catalog), and walking the primary key instead, which the planner picks when
it expects many matches, reads the whole table when they turn out few or none.

So each row's document also holds its id's octave as a word ("#13" for ids below 8192, "#n" for
2^(n-1) to 2^n - 1: migration 0022), and the index is asked for the query AND the lowest
octaves first: it intersects the two itself and returns only the matches among those ids. Then
the next octaves, as many as the matches found so far say are needed (a rare word is asked for
everything else at once), until enough are found. No query has ORDER BY or LIMIT, so no plan,
generic or custom, walks the primary key: each reads the index and then only the rows it keeps.

Each of those queries costs a scan of the index entries of the query's words (a prefix's all
of them), so the first is sized from PostgreSQL's own statistics of the words (`expected_share`):
a query expected to match few rows asks for every octave at once, a common word for as many of
the first octaves as should hold the matches wanted. A wrong guess costs one more query, never a
different answer.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.storage.store import Store

FIRST = 13  # the octave of the ids below 2**13
LAST = 63  # the octave of the largest id a BIGINT holds
SPARSE_STEP = 4  # octaves asked for next when none matched yet: 16 times the ids
MARGIN = 1.25  # ask for a quarter more ids than the density so far says are needed
FEW = 4  # a query expected to match at most FEW times the rows wanted is asked for all at once
STATISTICS_AGE = 600.0  # seconds the word statistics are used before they are read again


def octave(book_id: int) -> int:
    """The octave word a document holds (pustaka_octave in migration 0022)."""
    return max(FIRST, book_id.bit_length())


def _octaves(first: int, last: int) -> str:
    return " | ".join(f"'#{n}'" for n in range(first, last + 1))


@dataclass(frozen=True, slots=True)
class _Statistics:
    read_at: float
    rows: float
    last_octave: int
    """The octave of the largest id then: asking for the octaves up to it or past it, the next
    query asks for every octave left (ids given since are in it too)."""
    shares: dict[str, float]
    """The share of the rows holding each common word (pg_stats' most common elements)."""
    rare: float
    """The share assumed for a word not among them (half the least common one's, as PostgreSQL
    assumes)."""


_statistics: weakref.WeakKeyDictionary[Store, _Statistics] = weakref.WeakKeyDictionary()


async def _read_statistics(store: Store) -> _Statistics | None:
    known = _statistics.get(store)
    if known is not None and time.monotonic() - known.read_at < STATISTICS_AGE:
        return known
    row = await store.fetchone(
        "SELECT CAST(CAST(s.most_common_elems AS TEXT) AS TEXT[]), s.most_common_elem_freqs,"
        " c.reltuples, (SELECT max(rowid) FROM books_fts)"
        " FROM pg_stats AS s JOIN pg_class AS c ON c.relname = s.tablename"
        " AND c.relnamespace = CAST(s.schemaname AS regnamespace)"
        " WHERE s.tablename = 'books_fts' AND s.attname = 'document'"
        " AND s.schemaname = current_schema()"
    )
    if row is None or not row[0] or not row[1] or not row[2] or row[2] <= 0:
        _statistics.pop(store, None)
        return None
    words, shares = list(row[0]), list(row[1])
    found = _Statistics(
        time.monotonic(),
        float(row[2]),
        octave(int(row[3] or 0)),
        dict(zip(words, shares[: len(words)], strict=True)),
        min(shares[: len(words)]) / 2,
    )
    _statistics[store] = found
    return found


async def expected_share(store: Store, words: Sequence[str], prefix: bool) -> float | None:
    """At most the share of the catalog holding every one of the folded `words` (the last also
    as a prefix when `prefix`), from PostgreSQL's statistics; None before any. The least common
    word's share, not the product of them all: words that go together ("sastra indonesia", a
    subject) match far more rows than the product says, and asking for too many ids at once
    costs much more than one query too many."""
    statistics = await _read_statistics(store)
    if statistics is None:
        return None
    share = 1.0
    for number, word in enumerate(words):
        if prefix and number == len(words) - 1:
            found = sum(s for w, s in statistics.shares.items() if w.startswith(word))
        else:
            found = statistics.shares.get(word, 0.0)
        share = min(share, found or statistics.rare)
    return share


def _first_step(count: int, share: float | None, statistics: _Statistics | None) -> int:
    """The last octave the first query asks for."""
    if share is None or statistics is None:
        return FIRST
    if share * statistics.rows <= FEW * count:
        return LAST
    wanted = count * MARGIN / share
    return _bounded(max(FIRST, (int(wanted) - 1).bit_length()), statistics)


def _bounded(step_to: int, statistics: _Statistics | None) -> int:
    last = statistics.last_octave if statistics else LAST
    return LAST if step_to >= last else step_to


async def first_matches(
    store: Store, query: str, count: int, tests: Sequence[str] = (), share: float | None = None
) -> list[tuple[Any, ...]]:
    """Up to `count` rows ``(id, *tests)`` of the documents matching the tsquery `query`, by id;
    each test is a tsquery too, and its value says whether that row's document matches it.
    `share` is the share of the rows the query is expected to match (`expected_share`)."""
    checks = "".join(", document @@ CAST(? AS tsquery)" for _ in tests)
    sql = f"SELECT rowid{checks} FROM books_fts WHERE document @@ CAST(? AS tsquery)"
    found: list[tuple[Any, ...]] = []
    done = FIRST - 1
    statistics = _statistics.get(store)
    step_to = _first_step(count, share, statistics)
    while done < LAST:
        rows = await store.fetchall(sql, (*tests, f"({query}) & ({_octaves(done + 1, step_to)})"))
        found.extend(sorted(tuple(row) for row in rows))
        done = step_to
        if len(found) >= count:
            break
        if not found:
            step_to = _bounded(min(LAST, done + SPARSE_STEP), statistics)
            continue
        density = len(found) / 2**done
        wanted = 2**done + (count - len(found)) / density * MARGIN
        step_to = _bounded(min(LAST, max(done + 1, (int(wanted) - 1).bit_length())), statistics)
    return found[:count]
