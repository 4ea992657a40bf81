"""Catalog search gives the same answers on SQLite (FTS5) and PostgreSQL (tsvector + GIN) on the
bundled catalog. Runs under `make test-postgres`, where both engines are at hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.catalog.sample import load_sample
from bot.catalog.search import Field, match_expression, search, search_forgiving
from bot.catalog.store import Catalog
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.databases import on_postgres, target

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="compares with PostgreSQL: run `make test-postgres`"
)

QUERIES = [
    ("bumi manusia", Field.ANY),
    ("pramoedya", Field.ANY),
    ("pram", Field.ANY),
    ("Ronggéng dukuh", Field.ANY),
    ("sejarah indonesia", Field.ANY),
    ("laskar", Field.TITLE),
    ("tere liye", Field.AUTHOR),
    ("klasik", Field.SUBJECT),
    ("fantasy", Field.SUBJECT),
    ("cinta", Field.ANY),
    ("anak", Field.ANY),
    ("harry potter", Field.ANY),
    ("perang", Field.ANY),
    ("the", Field.ANY),
    ("pramoedya toer", Field.ANY),  # words found in the authors, not the title
    ("pramoedya ananta", Field.AUTHOR),
    ("lask", Field.TITLE),  # a prefix within one column
    ("sej", Field.ANY),
    ("sastra indo", Field.ANY),  # several words, the last a prefix
    ("GADIS pantai", Field.TITLE),
    ("fiksi sejarah", Field.SUBJECT),
]
MISSPELT = ["pramudya", "ronggeng dukh", "laskar pelangu", "cantik itu luka"]


@pytest.fixture
async def catalogs(tmp_path: Path) -> AsyncIterator[tuple[Catalog, Catalog]]:
    records = load_sample(today=date(2026, 1, 1))
    clock = FakeClock()
    stores = [await Store.open(tmp_path / "sqlite.db"), await Store.open(target(tmp_path / "pg"))]
    assert [s.dialect for s in stores] == ["sqlite", "postgresql"]
    try:
        catalogs = (Catalog(stores[0], clock), Catalog(stores[1], clock))
        for catalog in catalogs:
            await catalog.upsert(records)
        yield catalogs
    finally:
        for store in stores:
            await store.close()


async def test_both_engines_match_the_same_books(catalogs: tuple[Catalog, Catalog]) -> None:
    """Every FTS5 query the search writes finds the same set of books on both engines."""
    for text, field in QUERIES:
        expression = match_expression(text, field)
        found = [
            [
                row[0]
                for row in await c.store.fetchall(
                    "SELECT rowid FROM books_fts WHERE books_fts MATCH ? ORDER BY rowid",
                    (expression,),
                )
            ]
            for c in catalogs
        ]
        assert found[0] == found[1], (text, field)
    assert any(found[0] for found in [found])


async def test_both_engines_rank_the_same_top_results(
    catalogs: tuple[Catalog, Catalog],
) -> None:
    lite, pg = catalogs
    nonempty = 0
    for text, field in QUERIES:
        expected = await search(lite, text, field=field, limit=10)
        got = await search(pg, text, field=field, limit=10)
        titles = [b.record.title for b in expected.books]
        assert [b.record.title for b in got.books] == titles, (text, field)
        assert got.exact == expected.exact
        nonempty += bool(titles)
    assert nonempty >= len(QUERIES) - 2
    for text in MISSPELT:
        expected = await search_forgiving(lite, text, limit=5)
        got = await search_forgiving(pg, text, limit=5)
        assert got.corrected == expected.corrected, text
        assert [b.record.title for b in got.books] == [b.record.title for b in expected.books]


async def test_both_engines_rank_the_same_bounded_candidates(
    catalogs: tuple[Catalog, Catalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broad query ranks only the first matches in id order: with the bound lowered to 40,
    queries matching far more rank the same 40 candidates, and the same books come first."""
    monkeypatch.setattr("bot.catalog.search.CANDIDATES", 40)
    lite, pg = catalogs
    broad = 0
    for text, field in [
        ("sastra", Field.ANY),
        ("fiksi", Field.SUBJECT),
        ("indonesia", Field.ANY),
        ("a", Field.ANY),
        ("sastra indonesia", Field.ANY),
        ("pramoedya", Field.ANY),
    ]:
        for offset in (0, 10):
            expected = await search(lite, text, field=field, limit=10, offset=offset)
            got = await search(pg, text, field=field, limit=10, offset=offset)
            titles = [b.record.title for b in expected.books]
            assert [b.record.title for b in got.books] == titles, (text, field, offset)
            assert got.exact == expected.exact, (text, field)
        broad += not expected.exact
    assert broad >= 3
