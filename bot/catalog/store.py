"""The catalog in SQLite: titles with their copies, kept searchable with FTS5.

Imports go through :meth:`Catalog.upsert` in batches: a record is keyed by (source, source_id);
a new one is inserted and dated as a new arrival, a changed one (its fingerprint differs)
replaced, an unchanged one left alone. The full-text index is an external-content FTS5 table over
``books``, kept in step here: the old text is deleted from the index before a row changes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from bot.catalog.records import Copy, CopyStatus, Record
from bot.clock import Clock
from bot.store import Store, Transaction

BATCH = 5000  # records a transaction: fewer, larger ones let FTS5 flush its index less often
_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per call


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record number or id, reason)


@dataclass(frozen=True, slots=True)
class Book:
    """A title as members see it: the record, our id, and how many copies are on the shelf."""

    id: int
    record: Record
    added_at: datetime
    available: int

    @property
    def copies(self) -> tuple[Copy, ...]:
        return self.record.copies

    @property
    def next_due(self) -> date | None:
        """When the first copy on loan comes back, if none is on the shelf."""
        dues = [c.due for c in self.copies if c.status is CopyStatus.ON_LOAN and c.due]
        return min(dues) if dues else None


class Catalog:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def count(self) -> int:
        return int(await self.store.fetchval("SELECT count(*) FROM books"))

    async def upsert(
        self, records: Iterable[Record], summary: ImportSummary | None = None
    ) -> ImportSummary:
        summary = summary or ImportSummary()
        batches = _batches(records, BATCH)
        # Reading (parsing a file) the next batch runs in a thread while SQLite writes this one:
        # both spend most of their time outside the GIL-bound parts of the other.
        upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
        while (batch := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
            async with self.store.transaction() as tx:
                await self._upsert_batch(tx, batch, summary)
        return summary

    async def _upsert_batch(
        self, tx: Transaction, batch: Sequence[Record], summary: ImportSummary
    ) -> None:
        now = self.clock.now().isoformat()
        existing = await _existing(tx, batch)
        next_id = int(await tx.fetchval("SELECT coalesce(max(id), 0) + 1 FROM books"))
        inserts: list[tuple[int, Record, tuple[Any, ...]]] = []
        changed: list[tuple[int, Record, tuple[Any, ...]]] = []
        seen: set[tuple[str, str]] = set()
        for record in batch:
            key = (record.source, record.source_id)
            if key in seen:
                summary.skipped.append((record.source_id, "the same record twice in one import"))
                continue
            seen.add(key)
            found = existing.get(key)
            fingerprint = record.fingerprint()
            if found is None:
                inserts.append((next_id, record, _columns(record, fingerprint)))
                next_id += 1
            elif found[1] != fingerprint:
                changed.append((found[0], record, _columns(record, fingerprint)))
            else:
                summary.unchanged += 1
        if changed:
            ids = [book_id for book_id, _, _ in changed]
            await _unindex(tx, ids)
            marks = ",".join("?" * len(ids))
            await tx.execute(f"DELETE FROM copies WHERE book_id IN ({marks})", ids)
            await tx.execute(f"DELETE FROM book_isbns WHERE book_id IN ({marks})", ids)
            await tx.executemany(
                """
                UPDATE books SET title = ?, authors = ?, subjects = ?, description = ?,
                    language = ?, year = ?, isbns = ?, publisher = ?, cover = ?, pages = ?,
                    fingerprint = ?, updated_at = ?, copies = ?, available = ?
                WHERE id = ?
                """,
                [(*cols[2:], now, *_counts(r), book_id) for book_id, r, cols in changed],
            )
        if inserts:
            await tx.executemany(
                """
                INSERT INTO books (id, source, source_id, title, authors, subjects, description,
                    language, year, isbns, publisher, cover, pages, fingerprint, added_at,
                    updated_at, copies, available)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [(book_id, *cols, now, now, *_counts(r)) for book_id, r, cols in inserts],
            )
        await tx.executemany(
            "INSERT INTO books_fts (rowid, title, authors, subjects, description)"
            " VALUES (?, ?, ?, ?, ?)",
            [(book_id, *cols[2:6]) for book_id, _, cols in inserts + changed],
        )
        written = [(book_id, record) for book_id, record, _ in inserts + changed]
        await tx.executemany(
            "INSERT INTO copies (book_id, barcode, call_number, location, status, due)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    book_id,
                    c.barcode,
                    c.call_number,
                    c.location,
                    c.status.value,
                    c.due.isoformat() if c.due else None,
                )
                for book_id, record in written
                for c in record.copies
            ],
        )
        await tx.executemany(
            "INSERT OR IGNORE INTO book_isbns (isbn, book_id) VALUES (?, ?)",
            [(isbn, book_id) for book_id, record in written for isbn in record.isbns],
        )
        summary.added += len(inserts)
        summary.updated += len(changed)

    async def remove(self, source: str, source_ids: Iterable[str]) -> int:
        removed = 0
        for batch in _batches(source_ids, BATCH):
            async with self.store.transaction() as tx:
                marks = ",".join("?" * len(batch))
                rows = await tx.fetchall(
                    f"SELECT id FROM books WHERE source = ? AND source_id IN ({marks})",
                    (source, *batch),
                )
                ids = [row[0] for row in rows]
                if ids:
                    await _unindex(tx, ids)
                    id_marks = ",".join("?" * len(ids))
                    await tx.execute(f"DELETE FROM books WHERE id IN ({id_marks})", ids)
                removed += len(ids)
        return removed

    async def books(self, ids: Sequence[int]) -> list[Book]:
        """The books with these ids, in the order given (unknown ids left out)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self.store.fetchall(f"SELECT * FROM books WHERE id IN ({marks})", ids)
        copies = await self.store.fetchall(
            f"SELECT * FROM copies WHERE book_id IN ({marks}) ORDER BY id", ids
        )
        by_book: dict[int, list[Copy]] = {}
        for row in copies:
            by_book.setdefault(row["book_id"], []).append(
                Copy(
                    barcode=row["barcode"],
                    call_number=row["call_number"],
                    location=row["location"],
                    status=CopyStatus(row["status"]),
                    due=date.fromisoformat(row["due"]) if row["due"] else None,
                )
            )
        made = {row["id"]: _book(row, tuple(by_book.get(row["id"], ()))) for row in rows}
        return [made[i] for i in ids if i in made]

    async def book(self, book_id: int) -> Book | None:
        found = await self.books([book_id])
        return found[0] if found else None

    async def new_arrivals(self, since: datetime, limit: int = 10) -> list[Book]:
        rows = await self.store.fetchall(
            "SELECT id FROM books WHERE added_at >= ? ORDER BY added_at DESC, id DESC LIMIT ?",
            (since.isoformat(), limit),
        )
        return await self.books([row[0] for row in rows])


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


async def _existing(tx: Transaction, batch: Sequence[Record]) -> dict[tuple[str, str], tuple]:
    found: dict[tuple[str, str], tuple] = {}
    by_source: dict[str, list[str]] = {}
    for record in batch:
        by_source.setdefault(record.source, []).append(record.source_id)
    for source, source_ids in by_source.items():
        marks = ",".join("?" * len(source_ids))
        rows = await tx.fetchall(
            "SELECT source_id, id, fingerprint FROM books"
            f" WHERE source = ? AND source_id IN ({marks})",
            (source, *source_ids),
        )
        for row in rows:
            found[(source, row[0])] = (row[1], row[2])
    return found


def _columns(record: Record, fingerprint: str) -> tuple[Any, ...]:
    return (
        record.source,
        record.source_id,
        record.title,
        _json(record.authors),
        _json(record.subjects),
        record.description,
        record.language,
        record.year,
        _json(record.isbns),
        record.publisher,
        record.cover,
        record.pages,
        fingerprint,
    )


def _counts(record: Record) -> tuple[int, int]:
    available = sum(1 for c in record.copies if c.status is CopyStatus.AVAILABLE)
    return len(record.copies), available


async def _unindex(tx: Transaction, ids: Sequence[int]) -> None:
    """Take rows out of the index with the text they were indexed with (external content)."""
    marks = ",".join("?" * len(ids))
    await tx.execute(
        "INSERT INTO books_fts (books_fts, rowid, title, authors, subjects, description)"
        f" SELECT 'delete', id, title, authors, subjects, description FROM books"
        f" WHERE id IN ({marks})",
        ids,
    )


def _book(row: Any, copies: tuple[Copy, ...]) -> Book:
    record = Record(
        source=row["source"],
        source_id=row["source_id"],
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        subjects=tuple(json.loads(row["subjects"])),
        description=row["description"],
        language=row["language"],
        year=row["year"],
        isbns=tuple(json.loads(row["isbns"])),
        publisher=row["publisher"],
        cover=row["cover"],
        pages=row["pages"],
        copies=copies,
    )
    return Book(row["id"], record, datetime.fromisoformat(row["added_at"]), row["available"])
