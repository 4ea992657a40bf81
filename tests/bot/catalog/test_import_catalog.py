from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.catalog.importers.base import CatalogFileError, Skipped
from bot.catalog.importers.load import import_file, read_items
from bot.catalog.importers.reader import ROWS_SENT, _parts
from bot.catalog.search import search
from bot.catalog.store import Catalog
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.bot.catalog.test_import_marc import (
    KOHA,
    koha_item,
    marc_record,
    write_marc,
    write_marcxml,
)
from tests.databases import target

FIXTURES = Path(__file__).parents[2] / "fixtures" / "catalog"


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[Catalog]:
    store = await Store.open(target(tmp_path / "catalog.db"))
    yield Catalog(store, FakeClock())
    await store.close()


def fixture(name: str) -> Callable[[Path], Path]:
    return lambda directory: FIXTURES / name


FILES: dict[str, tuple[Callable[[Path], Path], int]] = {
    "slims-csv": (fixture("slims_export.csv"), 4),
    "csv": (fixture("generic_catalog.csv"), 4),
    "marc": (lambda directory: write_marc(directory / "koha.mrc", KOHA, cut=1), 2),
    "marcxml": (lambda directory: write_marcxml(directory / "koha.xml", KOHA), 3),
}


@pytest.mark.parametrize("format", FILES)
async def test_importing_the_same_file_twice_changes_nothing(
    catalog: Catalog, tmp_path: Path, format: str
) -> None:
    """The second import of an unchanged file reports every book unchanged and adds none."""
    make, books = FILES[format]
    path = make(tmp_path)
    first, opened = await import_file(catalog, path)
    assert opened.format == format
    assert (first.added, first.updated, first.unchanged) == (books, 0, 0)
    again, _ = await import_file(catalog, path)
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, books, 0)
    assert again.skipped == first.skipped
    assert await catalog.count() == books


async def test_a_changed_record_is_updated_not_added(catalog: Catalog, tmp_path: Path) -> None:
    """A new copy of one book in the next export updates that book; the others stay unchanged."""
    path = write_marc(tmp_path / "koha.mrc", KOHA)
    await import_file(catalog, path)
    more = marc_record("1002", "Anak semua bangsa", fields=(koha_item("K006"), koha_item("K008")))
    write_marc(path, [KOHA[0], more, KOHA[2]])
    summary, _ = await import_file(catalog, path)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 2)
    copies = await catalog.store.fetchval(
        "SELECT copies FROM books WHERE source = 'koha' AND source_id = '1002'"
    )
    assert copies == 2
    assert await catalog.count() == 3


async def test_copies_on_the_shelf_are_counted(catalog: Catalog, tmp_path: Path) -> None:
    """Of five Koha items one is on the shelf: that is what the catalog says is available."""
    await import_file(catalog, write_marc(tmp_path / "koha.mrc", KOHA[:1]))
    row = await catalog.store.fetchone("SELECT copies, available FROM books")
    assert row is not None
    assert (row["copies"], row["available"]) == (5, 1)


async def test_skipped_records_are_listed_in_the_summary(catalog: Catalog) -> None:
    """Each broken row is in the summary with its row number and reason."""
    summary, _ = await import_file(catalog, FIXTURES / "slims_export.csv")
    assert [number for number, _ in summary.skipped] == ["row 6", "row 7"]
    assert summary.skipped[1] == ("row 7", "no title")


@pytest.mark.parametrize("format", FILES)
async def test_a_file_read_by_a_separate_process_gives_the_same_result(
    catalog: Catalog, tmp_path: Path, format: str
) -> None:
    """Large files are read by another process: same books, same skipped rows, then unchanged."""
    make, books = FILES[format]
    path = make(tmp_path)
    first, _ = await import_file(catalog, path, separate_process=True)
    assert (first.added, first.updated, first.unchanged) == (books, 0, 0)
    again, _ = await import_file(catalog, path, separate_process=True)
    assert (again.added, again.unchanged) == (0, books)
    assert again.skipped == first.skipped
    assert (await search(catalog, "bumi")).books or format.endswith("csv")


async def test_marc_read_in_two_parts_numbers_skipped_records_as_one(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A binary MARC file read by two processes at once: a damaged record in the second half is
    reported with its number in the whole file, and every other book comes in once."""
    records = [
        marc_record(f"b{n}", f"Judul nomor{n}", fields=(koha_item(f"K{n}"),)) for n in range(40)
    ]
    path = write_marc(tmp_path / "big.mrc", records, cut=30)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert len(_parts(path, 2)) == 2  # the damaged record is in the second part
    progress: list[tuple[int, int, int]] = []
    summary, _ = await import_file(
        catalog, path, separate_process=True, progress=lambda *p: progress.append(p)
    )
    assert summary.added == 39
    assert [number for number, _ in summary.skipped] == ["record 31"]
    assert progress[-1][0] == 40 and progress[-1][1] == progress[-1][2] == path.stat().st_size
    found = [b.record.title for b in (await search(catalog, "nomor35")).books]
    assert found == ["Judul nomor35: sebuah roman"]
    with path.open("rb") as handle:
        in_one = [i for i in read_items(handle, "marc", name=path.name) if isinstance(i, Skipped)]
    assert [(s.number, s.reason) for s in in_one] == summary.skipped


async def test_a_bad_file_read_by_a_separate_process_is_one_clear_error(
    catalog: Catalog, tmp_path: Path
) -> None:
    """The reading process's complaint about the file reaches the importer as CatalogFileError."""
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<collection><record><leader>x</leader><<<")
    with pytest.raises(CatalogFileError, match="not well-formed"):
        await import_file(catalog, path, format="marcxml", separate_process=True)
    assert await catalog.count() == 0


async def test_an_import_that_fails_while_writing_stops_its_reading_process(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer fails on the second batch while the next one is already being received: the
    error reaches the librarian, the reading process is stopped, and the first batch stays."""
    path = tmp_path / "big.csv"
    rows = "".join(f"{n},Judul nomor{n},Penulis {n % 97}\n" for n in range(3 * ROWS_SENT))
    path.write_text("id,title,authors\n" + rows, encoding="utf-8")
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr("bot.catalog.importers.reader.subprocess.Popen", recording_popen)
    write_batch = Catalog._write_batch
    calls = 0

    async def failing_second(self: Catalog, *args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return await write_batch(self, *args)

    monkeypatch.setattr(Catalog, "_write_batch", failing_second)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        await asyncio.wait_for(import_file(catalog, path, separate_process=True), timeout=60)
    assert len(started) == 1 and started[0].poll() is not None
    assert await catalog.count() == ROWS_SENT
