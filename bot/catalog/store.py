"""The catalog in SQLite: titles with their copies, kept searchable with FTS5.

Imports go through :meth:`Catalog.upsert` (records) or :meth:`Catalog.upsert_rows` (records
already in their stored form, `records.stored_row`, as a large import's reading process sends
them), one transaction a batch: a record is keyed by (source, source_id); a new one is inserted
and dated as a new arrival, a changed one (its fingerprint differs) replaced, an unchanged one
left alone. Fingerprints are looked up for a whole batch in one query; a source with no books
when the import began (a first import) needs no lookups at all. The full-text index is an
external-content FTS5 table over ``books``, kept in step here, in the same transaction: the old
text is deleted from the index before a row changes, and the new rows are indexed with one
``INSERT … SELECT`` a batch, so an interrupted import leaves whole batches, indexed. The words of
titles and authors that a misspelt search is corrected from (`vocabulary`) are counted in the
same transaction, so every write of ``books`` must go through here.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any, TypeVar

from bot.catalog.records import Copy, CopyStatus, Record, StoredRow, stored_row
from bot.catalog.vocabulary import apply_counts, word_counts
from bot.storage.folding import folded
from bot.storage.store import Conflict, Store, Transaction
from bot.time.clock import Clock

BATCH = 5000  # records a transaction: fewer, larger ones let FTS5 flush its index less often
# The indexed text is folded (bot/storage/folding.py): "Ipatʹevskīĭ" is found as "ipatevskii".
_INDEXED = ", ".join(folded(column) for column in ("title", "authors", "subjects", "description"))
_INDEX = (
    "INSERT INTO books_fts (rowid, title, authors, subjects, description)"
    f" SELECT id, {_INDEXED} FROM books"
)
T = TypeVar("T")
Edited = Callable[[str, str], bool]  # (a stored book's id, a record's id): the same book edited?


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record number or id, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (record number, what to know)


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
        self,
        records: Iterable[Record],
        summary: ImportSummary | None = None,
        *,
        seen: dict[str, set[str]] | None = None,
        match_barcodes: Edited | None = None,
    ) -> ImportSummary:
        """Add new records, update changed ones, leave unchanged ones alone."""
        rows = ([stored_row(record) for record in batch] for batch in _batches(records, BATCH))
        return await self.upsert_rows(
            _prefetched(rows), summary, seen=seen, match_barcodes=match_barcodes
        )

    async def upsert_rows(
        self,
        batches: AsyncIterable[Sequence[StoredRow]],
        summary: ImportSummary | None = None,
        *,
        seen: dict[str, set[str]] | None = None,
        match_barcodes: Edited | None = None,
    ) -> ImportSummary:
        """`upsert` for records already in their stored form (`records.stored_row`), in batches:
        what an import reading its file in another process sends. One transaction a batch.

        `seen` receives the ids written (or found unchanged) for each source, what a
        reconciliation compares the source's books with. With `match_barcodes`, a record whose
        id is not known takes the place of the book holding its copies' barcodes when
        `match_barcodes(that book's id, the record's id)` says it is that book edited (for a
        source whose ids are made from the title: a corrected title is the same book).
        """
        summary = summary or ImportSummary()
        sources: dict[str, bool] = {}  # source → whether it had no books when the import began
        seen = {} if seen is None else seen  # source → ids written by this import
        barcodes: dict[str, dict[str, tuple[int, str]]] = {}  # source → barcode → (id, source id)
        async for batch in batches:
            for source in {row[0] for row in batch} - sources.keys():
                sources[source] = not await self.store.fetchval(
                    "SELECT 1 FROM books WHERE source = ? LIMIT 1", (source,)
                )
                if match_barcodes is not None and not sources[source]:
                    barcodes[source] = await _barcodes(self.store, source)
            try:
                async with self.store.transaction() as tx:
                    done = await self._write_batch(
                        tx, batch, summary, sources, seen, barcodes, match_barcodes
                    )
            except Conflict:
                # A source that was empty got books from another writer meanwhile: look them up.
                if not any(sources.values()):
                    raise
                sources = dict.fromkeys(sources, False)
                async with self.store.transaction() as tx:
                    done = await self._write_batch(
                        tx, batch, summary, sources, seen, barcodes, match_barcodes
                    )
            done.count(summary, seen)
        return summary

    async def _write_batch(
        self,
        tx: Transaction,
        batch: Sequence[StoredRow],
        summary: ImportSummary,
        fresh: dict[str, bool],
        seen: dict[str, set[str]],
        barcodes: dict[str, dict[str, tuple[int, str]]],
        edited: Edited | None,
    ) -> _Written:
        """Write one batch; the summary and `seen` are only updated (by the caller, through the
        result) once the transaction has committed, so a batch retried is not counted twice."""
        now = self.clock.now().isoformat()
        existing = await _existing(tx, [row for row in batch if not fresh[row[0]]])
        first_id = int(await tx.fetchval("SELECT coalesce(max(id), 0) + 1 FROM books"))
        next_id = first_id
        done = _Written()
        inserts: list[tuple[Any, ...]] = []
        changed: list[tuple[Any, ...]] = []
        written: list[tuple[int, StoredRow]] = []
        # The keys of this batch: a book one of its records names is not taken by another.
        keys = {(row[0], row[1]) for row in batch} if barcodes else set()
        for row in batch:
            source, source_id, values = row[0], row[1], row[2]
            key = (source, source_id)
            if source_id in seen.get(source, ()) or key in done.keys:
                done.skipped.append((source_id, "the same record twice in one import"))
                continue
            found = existing.get(key)
            if found is None and edited is not None and source in barcodes:
                found = _by_barcode(row, barcodes[source], seen.get(source, ()), keys, edited)
            done.keys.add(key)
            if found is None:
                inserts.append((next_id, source, source_id, *values, now, now))
                written.append((next_id, row))
                next_id += 1
            elif found[1] != values[10]:
                changed.append((source_id, *values, now, found[0]))
                written.append((found[0], row))
            else:
                done.unchanged += 1
        changed_ids = [values[-1] for values in changed]
        removed_words = Counter[str]()
        if changed:
            await _unindex(tx, changed_ids)
            marks = ",".join("?" * len(changed_ids))
            removed_words = word_counts(
                await tx.fetchall(
                    f"SELECT title, authors FROM books WHERE id IN ({marks})", changed_ids
                )
            )
            await tx.execute(f"DELETE FROM copies WHERE book_id IN ({marks})", changed_ids)
            await tx.execute(f"DELETE FROM book_isbns WHERE book_id IN ({marks})", changed_ids)
            await tx.executemany(
                """
                UPDATE books SET source_id = ?, title = ?, authors = ?, subjects = ?,
                    description = ?,
                    language = nullif(?, ''), year = CAST(nullif(?, '') AS INTEGER), isbns = ?,
                    publisher = nullif(?, ''), cover = nullif(?, ''),
                    pages = CAST(nullif(?, '') AS INTEGER),
                    fingerprint = ?, copies = ?, available = ?, updated_at = ?
                WHERE id = ?
                """,
                changed,
            )
            await tx.execute(f"{_INDEX} WHERE id IN ({marks})", changed_ids)
        if inserts:
            await tx.executemany(
                """
                INSERT INTO books (id, source, source_id, title, authors, subjects, description,
                    language, year, isbns, publisher, cover, pages, fingerprint, copies,
                    available, added_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, ''), CAST(nullif(?, '') AS INTEGER), ?,
                    nullif(?, ''), nullif(?, ''), CAST(nullif(?, '') AS INTEGER), ?, ?, ?, ?, ?)
                """,
                inserts,
            )
            # The index is filled from the rows just written, in SQLite, not row by row.
            await tx.execute(f"{_INDEX} WHERE id >= ? AND id < ?", (first_id, next_id))
        await tx.executemany(
            "INSERT INTO copies (book_id, barcode, call_number, location, status, due)"
            " VALUES (?, nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, nullif(?, ''))",
            [(book_id, *copy) for book_id, row in written for copy in row[3]],
        )
        await tx.executemany(
            "INSERT OR IGNORE INTO book_isbns (isbn, book_id) VALUES (?, ?)",
            [(isbn, book_id) for book_id, row in written for isbn in row[4]],
        )
        added_words = word_counts((row[2][0], row[2][1]) for _, row in written)
        await apply_counts(tx, added_words, removed_words)
        done.added = len(inserts)
        done.updated = len(changed)
        return done

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
                await delete_books(tx, ids)
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


@dataclass
class _Written:
    """What one batch did, counted into the summary once its transaction has committed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)

    def count(self, summary: ImportSummary, seen: dict[str, set[str]]) -> None:
        summary.added += self.added
        summary.updated += self.updated
        summary.unchanged += self.unchanged
        summary.skipped += self.skipped
        for source, source_id in self.keys:
            seen.setdefault(source, set()).add(source_id)


async def _prefetched(batches: Iterator[T]) -> AsyncIterator[T]:
    """The batches, the next one made in a thread while the caller writes this one."""
    upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
    while (batch := await upcoming) is not None:
        upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
        yield batch


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


async def _barcodes(store: Store, source: str) -> dict[str, tuple[int, str]]:
    """Each barcode of the source's copies: the book holding it, and that book's id there."""
    rows = await store.fetchall(
        "SELECT copies.barcode, books.id, books.source_id FROM copies"
        " JOIN books ON books.id = copies.book_id"
        " WHERE books.source = ? AND copies.barcode IS NOT NULL",
        (source,),
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _by_barcode(
    row: StoredRow,
    barcodes: dict[str, tuple[int, str]],
    seen: Collection[str],
    named: Collection[tuple[str, str]],
    edited: Edited,
) -> tuple[int, str] | None:
    """(id, "") of the book holding most of this row's barcodes, unless this import wrote or
    is writing that book under its own id; the empty fingerprint makes it an update."""
    holders = Counter(barcodes[copy[0]] for copy in row[3] if copy[0] in barcodes)
    for (book_id, source_id), _ in holders.most_common():
        if source_id not in seen and (row[0], source_id) not in named and edited(source_id, row[1]):
            return book_id, ""
    return None


async def _existing(tx: Transaction, batch: Sequence[StoredRow]) -> dict[tuple[str, str], tuple]:
    """(id, fingerprint) of the books already stored under these rows' keys."""
    found: dict[tuple[str, str], tuple] = {}
    by_source: dict[str, list[str]] = {}
    for row in batch:
        by_source.setdefault(row[0], []).append(row[1])
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


async def delete_books(tx: Transaction, ids: Sequence[int]) -> None:
    """Delete these books (their copies and ISBNs with them) and take them out of the index."""
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        await _unindex(tx, batch)
        marks = ",".join("?" * len(batch))
        gone = await tx.fetchall(f"SELECT title, authors FROM books WHERE id IN ({marks})", batch)
        await apply_counts(tx, Counter(), word_counts(gone))
        await tx.execute(f"DELETE FROM books WHERE id IN ({marks})", batch)


async def _unindex(tx: Transaction, ids: Sequence[int]) -> None:
    """Take rows out of the index with the text they were indexed with (external content)."""
    marks = ",".join("?" * len(ids))
    if tx.dialect == "postgresql":  # the index is a table of its own there
        await tx.execute(f"DELETE FROM books_fts WHERE rowid IN ({marks})", ids)
        return
    await tx.execute(
        "INSERT INTO books_fts (books_fts, rowid, title, authors, subjects, description)"
        f" SELECT 'delete', id, {_INDEXED} FROM books WHERE id IN ({marks})",
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
