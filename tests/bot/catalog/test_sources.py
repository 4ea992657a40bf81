"""Sources listed and removed; what referred to a removed book follows the same book elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.records import Copy, Record
from bot.catalog.sources import list_sources, remove_source, was_removed
from bot.catalog.store import Catalog
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.databases import target

SAMPLE = [
    Record("sample", "1", "Laskar Pelangi", ("Andrea Hirata",), isbns=("9789793062792",)),
    Record("sample", "2", "Negeri 5 Menara", ("Ahmad Fuadi",), copies=(Copy("S1"), Copy("S2"))),
    Record("sample", "3", "Cantik Itu Luka", ("Eka Kurniawan",)),
    Record("sample", "4", "Bumi Manusia", ("Pramoedya Ananta Toer",)),
]
LIBRARY = [
    # The same ISBN under another title wins over the title.
    Record("slims", "a", "Laskar pelangi (edisi ke-30)", ("Hirata, A.",), isbns=("9789793062792",)),
    Record("slims", "b", "Negeri 5 menara : sebuah novel", ("Fuadi, Ahmad",), copies=(Copy("P1"),)),
    # Same title, another author: not the same book.
    Record("slims", "c", "Bumi Manusia", ("Max Lane",)),
]


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[Catalog]:
    store = await Store.open(target(tmp_path / "catalog.db"))
    # A feature's table referring to books: found through its foreign key, never named.
    await store.execute(
        "CREATE TABLE notes (member INTEGER NOT NULL,"
        " book_id INTEGER NOT NULL REFERENCES books (id) ON DELETE CASCADE,"
        " PRIMARY KEY (member, book_id))"
    )
    catalog = Catalog(store, FakeClock())
    await catalog.upsert(SAMPLE + LIBRARY)
    yield catalog
    await store.close()


async def book_id(catalog: Catalog, source: str, source_id: str) -> int:
    return int(
        await catalog.store.fetchval(
            "SELECT id FROM books WHERE source = ? AND source_id = ?", (source, source_id)
        )
    )


async def test_sources_with_their_counts(catalog: Catalog) -> None:
    listed = [(s.name, s.books, s.copies) for s in await list_sources(catalog.store)]
    assert listed == [("sample", 4, 2), ("slims", 3, 1)]


async def test_references_follow_the_same_book_by_isbn_then_title_and_author(
    catalog: Catalog,
) -> None:
    store = catalog.store
    ids = {key: await book_id(catalog, "sample", key) for key in "1234"}
    library = {key: await book_id(catalog, "slims", key) for key in "abc"}
    await store.executemany(
        "INSERT INTO notes (member, book_id) VALUES (?, ?)",
        [
            (1, ids["1"]),
            (1, ids["2"]),
            (2, ids["2"]),
            (2, library["b"]),  # member 2 has both records of the book: one note stays
            (1, ids["3"]),
            (1, ids["4"]),
        ],
    )
    removal = await remove_source(store, catalog.clock, "sample")
    assert (removal.books, removal.followed, removal.dropped) == (4, 3, 2)
    rows = await store.fetchall("SELECT member, book_id FROM notes ORDER BY member, book_id")
    assert [tuple(row) for row in rows] == [
        (1, library["a"]),
        (1, library["b"]),
        (2, library["b"]),
    ]
    assert [s.name for s in await list_sources(store)] == ["slims"]
    assert await store.fetchval("SELECT count(*) FROM copies") == 1
    assert await was_removed(store, "sample") and not await was_removed(store, "slims")
    # The removed books are out of the search index too.
    matches = await store.fetchval(
        "SELECT count(*) FROM books_fts WHERE books_fts MATCH ?", ("cantik",)
    )
    assert matches == 0
