"""Unmet demand: what members asked for that the library could not give, for acquisitions.

A search or recommendation records a row when the title is not in the collection ('missing',
with what the member typed) or when every copy of the book is on loan ('on_loan'): /book,
/recommend on a theme or subject with no books, /recommend like, /shelf add (want) and /suggest
(other features tell it through the catalog's `BookWanted` event, which `record_wanted` answers).
/wanted and `pustaka report wanted --csv FILE` list them grouped, the most asked-for first: by
how many members asked, then how often.

An ISBN is recorded as its 13 digits, so "979-3062-79-7", "9793062797" and "9789793062792" are
one want. A title asked for is no longer wanted once the library has it: a 'missing' ask is left
out of the lists as soon as the catalog has a book with that ISBN or matching those words (the
search /book makes), checked when the list is read, so every kind of import counts at once.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.api.context import Context
from bot.catalog.records import CopyStatus, normalize_isbn
from bot.catalog.search import match_expression
from bot.catalog.store import Book
from bot.storage.store import Store
from cogs.catalog.public import BookWanted
from cogs.recommend.themes import plain

log = logging.getLogger("pustaka.recommend")

WANTED_MAX = 200  # characters of a query kept


@dataclass(frozen=True, slots=True)
class Demand:
    kind: str
    wanted: str
    book_id: int | None
    members: int
    asks: int
    first: str
    last: str


async def record_missing(ctx: Context, query: str) -> None:
    """A member asked for `query` and the library has nothing matching it."""
    key = normalize_isbn(query) or plain(query)
    if key and not query.startswith("#"):
        await _record(ctx, "missing", key, query.strip()[:WANTED_MAX], None)


async def record_if_on_loan(ctx: Context, book: Book) -> None:
    """A member looked at `book`: if every copy is on loan, that is unmet demand."""
    copies = book.copies
    if copies and not book.available and any(c.status is CopyStatus.ON_LOAN for c in copies):
        await _record(ctx, "on_loan", f"#{book.id}", book.record.title, book.id)


async def record_wanted(event: BookWanted) -> None:
    if event.book is None:
        await record_missing(event.ctx, event.query)
    else:
        await record_if_on_loan(event.ctx, event.book)


async def _record(ctx: Context, kind: str, key: str, wanted: str, book_id: int | None) -> None:
    try:
        await ctx.store.execute(
            "INSERT INTO unmet_demand (at, kind, key, wanted, book_id, member_id, community_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ctx.clock.now().isoformat(),
                kind,
                key,
                wanted,
                book_id,
                ctx.member.id,
                ctx.community.id if ctx.community else None,
            ),
        )
    except Exception:
        log.exception("could not record unmet demand for %r", wanted)


async def most_wanted(store: Store, since: datetime, *, limit: int | None = 10) -> list[Demand]:
    """Asks since `since`, grouped, the most asked-for first (missing and on-loan together)."""
    rows = await store.fetchall(
        """
        SELECT kind, key, max(book_id), count(DISTINCT member_id) AS members, count(*) AS asks,
               min(at), max(at),
               (SELECT wanted FROM unmet_demand AS latest
                 WHERE latest.kind = d.kind AND latest.key = d.key ORDER BY at DESC LIMIT 1)
        FROM unmet_demand AS d
        WHERE at >= ?
        GROUP BY kind, key
        ORDER BY members DESC, asks DESC, max(at) DESC
        """,
        (since.isoformat(),),
    )
    unmet = []
    for row in rows:
        if limit is not None and len(unmet) >= limit:
            break
        if row[0] != "missing" or not await _in_catalog(store, row[1], row[7]):
            unmet.append(row)
    return [
        Demand(
            kind=row[0],
            wanted=row[7],
            book_id=row[2],
            members=row[3],
            asks=row[4],
            first=row[5],
            last=row[6],
        )
        for row in unmet
    ]


async def _in_catalog(store: Store, key: str, wanted: str) -> bool:
    """Whether the library now has what was asked for: the ISBN, or a book matching the words."""
    if len(key) == 13 and key.isdigit():
        found = await store.fetchval("SELECT 1 FROM book_isbns WHERE isbn = ? LIMIT 1", (key,))
        return bool(found)
    expression = match_expression(wanted)
    if expression is None:
        return False
    found = await store.fetchval(
        "SELECT 1 FROM books_fts WHERE books_fts MATCH ? LIMIT 1", (expression,)
    )
    return bool(found)


CSV_COLUMNS = ("kind", "wanted", "book_id", "members", "asks", "first_asked", "last_asked")


async def export_wanted(store: Store, path: Path, days: int, now: datetime) -> int:
    """Write the unmet demand of the last `days` days to a CSV file; returns how many rows."""
    demand = await most_wanted(store, now - timedelta(days=days), limit=None)
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(wanted_csv(demand))
    return len(demand)


def wanted_csv(demand: list[Demand]) -> str:
    """The unmet demand as CSV, one row a wanted title, for acquisitions' spreadsheet."""
    with io.StringIO(newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for item in demand:
            writer.writerow(
                (
                    item.kind,
                    item.wanted,
                    item.book_id or "",
                    item.members,
                    item.asks,
                    item.first,
                    item.last,
                )
            )
        return out.getvalue()
