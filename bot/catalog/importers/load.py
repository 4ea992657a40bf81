"""A catalog file into the catalog: detect its format, parse it, upsert it in batches.

Opening (`open_catalog_file`) reads enough to refuse a file that is not what it claims, before
anything is written or a progress bar is shown; importing then streams the records to the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from bot.catalog.importers.base import FORMATS, CatalogFileError, Item, Note, Skipped, edited
from bot.catalog.importers.detect import detect_format
from bot.catalog.importers.generic_csv import read_generic_csv
from bot.catalog.importers.marc import read_marc, read_marcxml
from bot.catalog.importers.reader import read_in_process
from bot.catalog.importers.slims_csv import read_slims_csv
from bot.catalog.records import Record, StoredRow
from bot.catalog.store import Catalog, ImportSummary

# Called as records are read: (records read, bytes read, file size).
Progress = Callable[[int, int, int], None]
# Files from this size are read by a second process (reader.py); smaller ones are not worth
# starting it (about half a second).
SEPARATE_PROCESS_FROM = 2 << 20
T = TypeVar("T")

FORMAT_NAMES = {
    "slims-csv": "SLiMS CSV",
    "csv": "CSV",
    "marc": "MARC21",
    "marcxml": "MARCXML",
}


def read_items(
    handle: BinaryIO,
    format: str,
    *,
    name: str,
    source: str | None = None,
    warnings: list[str] | None = None,
    encoding: str | None = None,
) -> Iterator[Item]:
    """The records (and skipped ones, and notes) of an open catalog file in this format;
    `encoding` is for binary MARC only."""
    if format == "slims-csv":
        return read_slims_csv(handle, name=name, source=source or "slims", warnings=warnings)
    if format == "csv":
        source = source or f"csv:{Path(name).stem}"
        return read_generic_csv(handle, name=name, source=source, warnings=warnings)
    if format == "marc":
        return read_marc(handle, name=name, source=source, encoding=encoding)
    if format == "marcxml":
        return read_marcxml(handle, name=name, source=source)
    raise ValueError(f"unknown format {format!r}; known: {', '.join(FORMATS)}")


@dataclass
class CatalogFile:
    """An open catalog file, checked, ready to import."""

    path: Path
    format: str
    items: Iterator[Item]
    handle: BinaryIO
    warnings: list[str] = field(default_factory=list)  # for the librarian: an encoding guessed
    source: str | None = None
    encoding: str | None = None

    async def import_into(
        self,
        catalog: Catalog,
        *,
        progress: Progress | None = None,
        separate_process: bool | None = None,
        seen: dict[str, set[str]] | None = None,
    ) -> ImportSummary:
        """Import the file; read by a second process when it is large (or when asked).

        `seen` receives each source's ids in the file (see `Catalog.upsert_rows`). A SLiMS
        export has no record ids (nor has a spreadsheet without an id column), so its records
        are also matched by their copies' barcodes.
        """
        summary = ImportSummary()
        match_barcodes = edited if self.format in ("slims-csv", "csv") else None
        size = os.fstat(self.handle.fileno()).st_size
        if separate_process is None:
            separate_process = size >= SEPARATE_PROCESS_FROM
        if separate_process:
            with _collector_paused():
                # Closed however the writing ends, so that the reading processes stop with it.
                batches = self._read_elsewhere(summary, progress, size)
                async with contextlib.aclosing(batches):
                    await catalog.upsert_rows(
                        batches, summary, seen=seen, match_barcodes=match_barcodes
                    )
        else:
            records = self._records(summary, progress)
            await catalog.upsert(records, summary, seen=seen, match_barcodes=match_barcodes)
        return summary

    async def _read_elsewhere(
        self, summary: ImportSummary, progress: Progress | None, size: int
    ) -> AsyncGenerator[list[StoredRow], None]:
        processes = max(1, min(2, os.cpu_count() or 1))
        batches = read_in_process(
            self.path, self.format, self.source, processes=processes, encoding=self.encoding
        )
        async with contextlib.aclosing(_read_ahead(batches)) as ahead:
            async for batch in ahead:
                summary.skipped += batch.skipped
                summary.notes += batch.notes
                if progress is not None:
                    progress(batch.read, batch.position, size)
                yield batch.rows

    def _records(self, summary: ImportSummary, progress: Progress | None) -> Iterator[Record]:
        """The records for the store; skipped ones go straight into the summary."""
        size = os.fstat(self.handle.fileno()).st_size
        read = 0
        for item in self.items:
            if isinstance(item, Note):
                summary.notes.append((item.number, item.text))
                continue
            read += 1
            if isinstance(item, Skipped):
                summary.skipped.append((item.number, item.reason))
            else:
                yield item
            if progress is not None and read % 50 == 1:
                progress(read, self.handle.tell(), size)
        if progress is not None:
            progress(read, size, size)


async def _read_ahead(batches: AsyncGenerator[T, None]) -> AsyncIterator[T]:
    """The batches, the next one already being received while the caller writes this one.

    Unpickling a batch (about 25 ms for 20,000 rows) then overlaps SQLite's work, which runs
    without the interpreter lock, and the reading process may go on as soon as its pipe is
    drained instead of waiting for the write to finish.
    """
    upcoming: asyncio.Future[T] = asyncio.ensure_future(anext(batches))
    try:
        while True:
            try:
                batch = await upcoming
            except StopAsyncIteration:
                return
            upcoming = asyncio.ensure_future(anext(batches))
            yield batch
    finally:
        if not upcoming.done():
            upcoming.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await upcoming
        await batches.aclose()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused during a large import.

    Every batch received is hundreds of thousands of fresh tuples, and each allocation burst
    set off a collection pass over everything alive (a third of the writing time at a million
    rows); an import makes hardly any reference cycles, and what it does is collected after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def open_catalog_file(
    path: Path, *, format: str | None = None, source: str | None = None, encoding: str | None = None
) -> Iterator[CatalogFile]:
    """Open and check a catalog file; raises CatalogFileError (one line) if it cannot be read."""
    format = format or detect_format(path)
    if encoding is not None and format != "marc":
        raise CatalogFileError(
            f"--encoding is for binary MARC files; {path.name} is {FORMAT_NAMES[format]}"
            " (CSV encodings are told from the file)"
        )
    try:
        handle = path.open("rb")
    except OSError as error:
        raise CatalogFileError(f"cannot read {path}: {error.strerror}") from None
    with handle:
        warnings: list[str] = []
        items = read_items(
            handle, format, name=path.name, source=source, warnings=warnings, encoding=encoding
        )
        yield CatalogFile(path, format, items, handle, warnings, source, encoding)


async def import_file(
    catalog: Catalog,
    path: Path,
    *,
    format: str | None = None,
    source: str | None = None,
    progress: Progress | None = None,
    separate_process: bool | None = None,
    encoding: str | None = None,
) -> tuple[ImportSummary, CatalogFile]:
    """Import one file: what changed, and the file's format and warnings."""
    with open_catalog_file(path, format=format, source=source, encoding=encoding) as file:
        summary = await file.import_into(
            catalog, progress=progress, separate_process=separate_process
        )
        return summary, file
