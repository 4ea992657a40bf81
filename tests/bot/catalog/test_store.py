from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.catalog.records import Copy, CopyStatus, Record
from bot.catalog.search import Field, search
from bot.catalog.store import Catalog
from bot.storage.store import Conflict, Store
from bot.time.clock import FakeClock
from tests.databases import target

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
    store = await Store.open(target(tmp_path / "c.db"))
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


async def test_a_copy_status_outside_the_four_is_refused(catalog: Catalog) -> None:
    """The schema keeps a copy's status to the four a member can be told about."""
    await catalog.upsert([BUMI])
    for status in ("available", "on_loan", "not_for_loan", "missing"):
        await catalog.store.execute("INSERT INTO copies (book_id, status) VALUES (1, ?)", (status,))
    with pytest.raises(Conflict, match="(?i)check"):
        await catalog.store.execute("INSERT INTO copies (book_id, status) VALUES (1, 'lost')")


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


def numbered(count: int, source: str = "bulk", title: str = "Cerita") -> list[Record]:
    return [
        replace(LASKAR, source=source, source_id=str(n), title=f"{title} nomor{n}")
        for n in range(count)
    ]


async def fts_consistent(catalog: Catalog) -> bool:
    """The full-text index holds exactly the books' text (FTS5's own check; on PostgreSQL,
    the index table's rows against the books')."""
    if catalog.store.dialect == "postgresql":
        differ = await catalog.store.fetchval(
            "SELECT count(*) FROM books FULL JOIN books_fts ON books_fts.rowid = books.id"
            " WHERE books.id IS NULL OR books_fts.rowid IS NULL"
            " OR books_fts.title != books.title OR books_fts.authors != books.authors"
            " OR books_fts.subjects != books.subjects"
            " OR books_fts.description != books.description"
        )
        return differ == 0
    try:
        await catalog.store.execute(
            "INSERT INTO books_fts (books_fts, rank) VALUES ('integrity-check', 1)"
        )
    except sqlite3.DatabaseError:
        return False
    return True


async def test_first_import_of_a_source_then_again_unchanged(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source new to the catalog is written without lookups, in several transactions; the
    next import finds every book unchanged, and the words are searchable."""
    monkeypatch.setattr("bot.catalog.store.BATCH", 3)
    books = numbered(10)
    first = await catalog.upsert(books)
    assert (first.added, first.updated, first.unchanged, first.skipped) == (10, 0, 0, [])
    again = await catalog.upsert(books)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 10)
    changed = await catalog.upsert([replace(books[7], title="Cerita baru")])
    assert (changed.added, changed.updated) == (0, 1)
    assert [b.record.title for b in (await search(catalog, "nomor4")).books] == ["Cerita nomor4"]
    assert [b.record.title for b in (await search(catalog, "baru")).books] == ["Cerita baru"]
    assert await fts_consistent(catalog)


async def test_the_same_record_twice_in_one_import_is_skipped_across_batches(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeated id is reported, whether its twin is in the same batch or an earlier one."""
    monkeypatch.setattr("bot.catalog.store.BATCH", 2)
    books = numbered(3)
    summary = await catalog.upsert([*books, books[0], books[2]])
    assert summary.added == 3
    assert summary.skipped == [
        ("0", "the same record twice in one import"),
        ("2", "the same record twice in one import"),
    ]
    assert await catalog.count() == 3


async def test_a_known_source_mixed_with_a_new_one(catalog: Catalog) -> None:
    """Books of a source already in the catalog are compared; a new source's are added."""
    await catalog.upsert(numbered(2, source="old"))
    summary = await catalog.upsert([*numbered(2, source="old"), *numbered(2, source="new")])
    assert (summary.added, summary.unchanged) == (2, 2)
    assert await catalog.count() == 4


async def test_an_interrupted_import_leaves_a_consistent_catalog(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading fails half-way: the batches written so far are whole and searchable, and the
    next import adds the rest."""
    monkeypatch.setattr("bot.catalog.store.BATCH", 4)
    books = numbered(10)

    def failing() -> Iterator[Record]:
        yield from books[:6]
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        await catalog.upsert(failing())
    assert await catalog.count() == 4
    assert await fts_consistent(catalog)
    assert [b.record.title for b in (await search(catalog, "nomor3")).books] == ["Cerita nomor3"]
    summary = await catalog.upsert(books)
    assert (summary.added, summary.unchanged) == (6, 4)
    assert await fts_consistent(catalog)


async def test_unknown_values_are_stored_as_null(catalog: Catalog) -> None:
    """No language, year, publisher or barcode is NULL in the database, not an empty text."""
    await catalog.upsert([replace(RONGGENG, language=None, year=None, copies=(Copy(),))])
    row = await catalog.store.fetchone("SELECT language, year, publisher, cover, pages FROM books")
    assert row is not None and tuple(row) == (None, None, None, None, None)
    copy = await catalog.store.fetchone("SELECT barcode, call_number, location, due FROM copies")
    assert copy is not None and tuple(copy) == (None, None, None, None)
    [book] = (await search(catalog, "ronggeng")).books
    assert (book.record.year, book.record.language, book.copies) == (None, None, (Copy(),))
