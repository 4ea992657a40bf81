from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.catalog.records import Copy, CopyStatus, Record
from bot.catalog.search import Field, search
from bot.catalog.store import Catalog
from bot.clock import FakeClock
from bot.store import Store

BUMI = Record(
    "test",
    "1",
    "Bumi Manusia",
    ("Pramoedya Ananta Toer",),
    ("sastra Indonesia", "fiksi sejarah", "historical fiction"),
    year=1980,
    language="id",
    isbns=("9789799731234",),
    copies=(Copy("B1", "899.221 TOE b", "Rak Sastra", CopyStatus.ON_LOAN, date(2026, 1, 20)),),
)
LASKAR = Record(
    "test",
    "2",
    "Laskar Pelangi",
    ("Andrea Hirata",),
    ("sastra Indonesia", "Belitung"),
    year=2005,
    language="id",
    copies=(Copy("B2", "899.221 HIR l", "Rak Sastra"), Copy("B3", "899.221 HIR l", "Rak Sastra")),
)
RONGGENG = Record(
    "test",
    "3",
    "Ronggeng Dukuh Paruk",
    ("Ahmad Tohari",),
    ("sastra Indonesia", "Jawa"),
    description="Srintil menjadi ronggeng di Dukuh Paruk.",
    year=1982,
    language="id",
)


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[Catalog]:
    store = await Store.open(tmp_path / "c.db")
    yield Catalog(store, FakeClock())
    await store.close()


async def test_import_twice_changes_nothing_and_changes_update(catalog: Catalog) -> None:
    """A re-import leaves everything unchanged; a changed record is updated and re-indexed."""
    first = await catalog.upsert([BUMI, LASKAR, RONGGENG])
    assert (first.added, first.updated, first.unchanged) == (3, 0, 0)
    again = await catalog.upsert([BUMI, LASKAR, RONGGENG])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    renamed = replace(LASKAR, title="Sang Pemimpi")
    changed = await catalog.upsert([renamed])
    assert (changed.added, changed.updated) == (0, 1)
    assert [b.record.title for b in (await search(catalog, "pemimpi")).books] == ["Sang Pemimpi"]
    assert (await search(catalog, "laskar")).books == []
    assert await catalog.count() == 3


async def test_new_arrivals_are_dated_when_first_seen(catalog: Catalog) -> None:
    """Books first seen later are the new arrivals; an update does not make a book new."""
    clock = catalog.clock
    assert isinstance(clock, FakeClock)
    await catalog.upsert([BUMI])
    await clock.advance(86400 * 10)
    await catalog.upsert([LASKAR, replace(BUMI, year=1981)])
    since = clock.now() - timedelta(days=1)
    assert [b.record.title for b in await catalog.new_arrivals(since)] == ["Laskar Pelangi"]


async def test_copies_and_availability(catalog: Catalog) -> None:
    """Copies come back with call numbers, status and due dates; availability is counted."""
    await catalog.upsert([BUMI, LASKAR])
    bumi, laskar = (
        (await search(catalog, "bumi")).books[0],
        (await search(catalog, "laskar")).books[0],
    )
    assert bumi.available == 0 and bumi.next_due == date(2026, 1, 20)
    assert bumi.copies[0].call_number == "899.221 TOE b"
    assert laskar.available == 2


async def test_remove(catalog: Catalog) -> None:
    """Removed records disappear from search."""
    await catalog.upsert([BUMI, LASKAR])
    assert await catalog.remove("test", ["1", "404"]) == 1
    assert (await search(catalog, "bumi")).books == []
    assert await catalog.count() == 1


async def test_search_fields_isbn_prefix_and_diacritics(catalog: Catalog) -> None:
    """Title, author, subject and ISBN searches; prefixes; accents do not matter."""
    accented = replace(RONGGENG, source_id="4", title="Ronggéng Dukuh Parùk")
    await catalog.upsert([BUMI, LASKAR, accented])
    titles = lambda results: [b.record.title for b in results.books]  # noqa: E731
    assert titles(await search(catalog, "pramoedya")) == ["Bumi Manusia"]
    assert titles(await search(catalog, "pram")) == ["Bumi Manusia"]
    assert titles(await search(catalog, "ronggeng paruk")) == ["Ronggéng Dukuh Parùk"]
    assert titles(await search(catalog, "belitung", field=Field.SUBJECT)) == ["Laskar Pelangi"]
    assert titles(await search(catalog, "belitung", field=Field.TITLE)) == []
    assert titles(await search(catalog, "hirata", field=Field.AUTHOR)) == ["Laskar Pelangi"]
    for form in ("978-979-973-123-4", "9789799731234", " 978 979 973 123 4 "):
        assert titles(await search(catalog, form)) == ["Bumi Manusia"]
    assert titles(await search(catalog, "+++")) == []


async def test_relevance_then_availability(catalog: Catalog) -> None:
    """A title match beats a subject match; among equals the book on the shelf comes first."""
    on_loan = replace(
        LASKAR, source_id="10", title="Pelangi di Timur", copies=(Copy(status=CopyStatus.ON_LOAN),)
    )
    on_shelf = replace(LASKAR, source_id="11", title="Pelangi di Barat", copies=(Copy(),))
    subject_only = replace(RONGGENG, source_id="12", title="Hujan", subjects=("pelangi",))
    await catalog.upsert([subject_only, on_loan, on_shelf])
    found = [b.record.title for b in (await search(catalog, "pelangi")).books]
    assert found == ["Pelangi di Barat", "Pelangi di Timur", "Hujan"]


async def test_exact_title_first_and_pages_do_not_repeat(catalog: Catalog) -> None:
    """The book titled exactly as asked comes first, accents aside; pages never repeat a book."""
    books = [
        replace(RONGGENG, source_id=f"h{i}", title=title, subjects=("puisi",))
        for i, title in enumerate(["Hujan Bulan Juni", "Huján", "Sebelum Hujan Turun", "Hujan"])
    ]
    await catalog.upsert(books)
    first = [b.record.title for b in (await search(catalog, "hujan", limit=2)).books]
    second = [b.record.title for b in (await search(catalog, "hujan", limit=2, offset=2)).books]
    assert first[0] in ("Hujan", "Huján") and first[1] in ("Hujan", "Huján")
    assert len(set(first + second)) == 4
