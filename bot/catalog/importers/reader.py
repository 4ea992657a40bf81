"""Reading a large catalog file in a second process while this one writes to the database.

Parsing (csv cells or MARC subfields into records, records into the rows the store writes) and
writing (SQLite inserts and the full-text index) each take about half of an import's time. In
threads they would share one interpreter lock, and SQLite gives it up and waits for it again at
every row; in two processes they run side by side on two cores. The reading process sends the
rows in batches (`Batch`) through a pipe, which also paces it: it waits while the writer is behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import marshal
import os
import pickle
import re
import subprocess
import sys
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

import bot
from bot.catalog.importers.base import CatalogFileError, Note, Skipped
from bot.catalog.importers.marc import LEADER, marc_source
from bot.catalog.records import StoredRow, stored_row
from bot.catalog.store import BATCH

ROWS_SENT = 4 * BATCH  # rows a message, and a transaction of the importing process


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows ready for `Catalog.upsert_rows`, the records skipped on the way, notes about records
    read, and how far the reading has got: records read so far and the position in the file."""

    rows: list[StoredRow]
    skipped: list[tuple[str, str]]
    read: int
    position: int
    notes: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class _Packed:
    """A batch as it goes through the pipe: its rows as marshal data (`_packed`)."""

    rows: bytes
    skipped: list[tuple[str, str]]
    read: int
    position: int
    notes: list[tuple[str, str]]


# The end of one MARC record and the leader of the next.
_BOUNDARY = re.compile(b"\x1d(?=" + LEADER.pattern + b")")
_NUMBER = re.compile(r"^record (\d+)")


class ReaderError(Exception):
    """The reading process stopped on something other than a bad file."""


async def read_in_process(
    path: Path,
    format: str,
    source: str | None,
    *,
    processes: int = 1,
    encoding: str | None = None,
) -> AsyncGenerator[Batch, None]:
    """The file's rows in batches, read (with `load.read_items`) by separate processes.

    A binary MARC file can be cut at record boundaries and read by several processes at once
    (pymarc's own parsing is half the work); their batches come in turns. Other formats are read
    by one process. Skipped records of the later parts are numbered once the earlier parts'
    counts are known, at the end, and so are their notes.
    """
    parts = _parts(path, processes) if format == "marc" else [(0, None)]
    if len(parts) > 1 and source is None:
        source = marc_source(path)
    readers = [_Reader(path, format, source, encoding, begin, end) for begin, end in parts]
    later_skipped: list[list[tuple[str, str]]] = [[] for _ in readers]
    later_notes: list[list[tuple[str, str]]] = [[] for _ in readers]
    reads = [0] * len(readers)
    positions = [begin for begin, _ in parts]
    try:
        active = list(range(len(readers)))
        while active:
            for index in list(active):
                batch = await readers[index].next()
                if batch is None:
                    active.remove(index)
                    continue
                reads[index] = batch.read
                positions[index] = batch.position
                skipped, notes = batch.skipped, batch.notes
                if index:
                    later_skipped[index] += skipped
                    later_notes[index] += notes
                    skipped, notes = [], []
                done = sum(
                    position - begin for position, (begin, _) in zip(positions, parts, strict=True)
                )
                yield Batch(batch.rows, skipped, sum(reads), done, notes)
        offset = reads[0]
        for index in range(1, len(readers)):
            renumbered = [(_renumber(number, offset), why) for number, why in later_skipped[index]]
            noted = [(_renumber(number, offset), text) for number, text in later_notes[index]]
            if renumbered or noted:
                yield Batch([], renumbered, sum(reads), positions[-1], noted)
            offset += reads[index]
    finally:
        for reader in readers:
            await reader.stop()


class _Reader:
    """One reading process (`python -m` this module, not multiprocessing, which would import the
    caller's main module again in the new process)."""

    def __init__(
        self,
        path: Path,
        format: str,
        source: str | None,
        encoding: str | None,
        begin: int,
        end: int | None,
    ) -> None:
        self.name = path.name
        package_root = str(Path(bot.__file__).resolve().parents[1])
        paths = (package_root, os.environ.get("PYTHONPATH"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(path), format, source or "", encoding or ""]
            + [str(begin)]
            + ([str(end)] if end is not None else []),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
        )
        assert self.process.stdout is not None
        self.out = self.process.stdout

    async def next(self) -> Batch | None:
        try:
            message = await asyncio.to_thread(_receive, self.out)
        except EOFError:
            code = await asyncio.to_thread(self.process.wait)
            raise ReaderError(
                f"the process reading {self.name} stopped unexpectedly (exit status {code})"
            ) from None
        if isinstance(message, tuple):
            kind, text = message
            raise CatalogFileError(text) if kind == "file" else ReaderError(text)
        return message

    async def stop(self) -> None:
        # The process first: a thread may still be reading its pipe (a batch read ahead), and
        # closing the pipe under it would wait for that read to end.
        if self.process.poll() is None:
            self.process.terminate()
        await asyncio.to_thread(self.process.wait)
        self.out.close()


def _receive(pipe: IO[bytes]) -> object:
    """One message from a reading process, a batch's rows decoded (see `_read`)."""
    message = pickle.load(pipe)
    if isinstance(message, _Packed):
        rows: list[StoredRow] = marshal.loads(message.rows)
        return Batch(rows, message.skipped, message.read, message.position, message.notes)
    return message


def _parts(path: Path, count: int) -> list[tuple[int, int | None]]:
    """(begin, end) byte ranges of about equal size, each starting at a record leader."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as handle:
        for k in range(1, count):
            handle.seek(size * k // count)
            block = handle.read(1 << 20)
            match = _BOUNDARY.search(block)
            if match is not None:
                cut = size * k // count + match.start() + 1
                if cut > cuts[-1]:
                    cuts.append(cut)
    ends: list[int | None] = [*cuts[1:], None]
    return list(zip(cuts, ends, strict=True))


def _renumber(number: str, offset: int) -> str:
    """ "record 3 (b12)" of a later part → "record 50003 (b12)"."""
    return _NUMBER.sub(lambda match: f"record {int(match[1]) + offset}", number, count=1)


def _read(
    out: IO[bytes],
    path: str,
    format: str,
    source: str | None,
    encoding: str | None,
    begin: int,
    end: int | None,
) -> None:
    """In a reading process: parse, convert, send; then None, or (kind, message) on failure."""
    from bot.catalog.importers.load import read_items  # load imports this module

    def send(message: object) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            handle: BinaryIO = file
            if begin or end is not None:  # one part of the file, read at once
                file.seek(begin)
                handle = io.BytesIO(file.read(-1 if end is None else end - begin))
            last = end if end is not None else size
            rows: list[StoredRow] = []
            skipped: list[tuple[str, str]] = []
            notes: list[tuple[str, str]] = []
            read = 0
            name = Path(path).name
            for item in read_items(handle, format, name=name, source=source, encoding=encoding):
                if isinstance(item, Note):
                    notes.append((item.number, item.text))
                    continue
                read += 1
                if isinstance(item, Skipped):
                    skipped.append((item.number, item.reason))
                    continue
                rows.append(stored_row(item))
                if len(rows) == ROWS_SENT:
                    send(_Packed(_packed(rows), skipped, read, begin + handle.tell(), notes))
                    rows, skipped, notes = [], [], []
            send(_Packed(_packed(rows), skipped, read, last, notes))
        send(None)
    except CatalogFileError as error:
        send(("file", str(error)))
    except Exception as error:  # noqa: BLE001 - reported to the importing process, which raises
        send(("error", f"reading {Path(path).name} failed: {error!r}"))
    out.flush()


def _packed(rows: list[StoredRow]) -> bytes:
    """Rows as marshal data (they hold only built-in types): a third of pickle's cost to write,
    which a memo of every object makes slow, and a little less to read."""
    return marshal.dumps(rows, 4)


def main() -> None:
    # A short-lived process making millions of small objects and few cycles: the cyclic
    # collector's passes over everything alive would cost a fifth of its time.
    gc.disable()
    path, format, source, encoding, begin, *end = sys.argv[1:]
    # A broken pipe or an interrupt: the importing process has stopped listening.
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        end_at = int(end[0]) if end else None
        _read(sys.stdout.buffer, path, format, source or None, encoding or None, int(begin), end_at)


if __name__ == "__main__":
    # Through the module's own name, so that what is pickled (_Packed) is found as
    # bot.catalog.importers.reader._Packed, not __main__._Packed.
    from bot.catalog.importers import reader

    reader.main()
