"""A title is found by its plain spelling: modifier letters and accents are folded away, in the
index and in the search alike, and an old database's index is folded when it is upgraded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.catalog.records import Record
from bot.catalog.search import search, search_forgiving
from bot.catalog.store import Catalog
from bot.storage.folding import fold
from bot.storage.store import Store, latest_version
from bot.time.clock import FakeClock

FOLDED = 15  # core migration 0015_catalog_folded_index

# The Ipatiev Chronicle, vol. 2 of the Complete Collection of Russian Chronicles (1908),
# romanized as the Library of Congress does: ʹ (U+02B9) for the soft sign.
CHRONICLE = Record("marc", "psrl2", "Ipatʹevskaia letopisʹ", year=1908, language="ru")


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[Catalog]:
    store = await Store.open(tmp_path / "c.db")
    yield Catalog(store, FakeClock())
    await store.close()


def test_fold_removes_what_a_member_would_not_type() -> None:
    """Modifier letters, spacing and combining accents go; letters and case stay."""
    assert fold("Ipatʹevskīĭ") == "Ipatevskii"
    assert fold("Jumʼat ʻOkina") == "Jumat Okina"
    assert fold("Ronggéng naïve ´") == "Ronggeng naive "
    assert fold("ﬁlsafat") == "filsafat"
    assert fold("Bumi Manusia") == "Bumi Manusia"


async def titles(catalog: Catalog, text: str) -> list[str]:
    return [book.record.title for book in (await search(catalog, text)).books]


async def test_a_title_with_a_modifier_letter_is_found_as_members_type_it(
    catalog: Catalog,
) -> None:
    """ "ipatevskaia letopis", with the marks typed or not, as a prefix too; after the title is
    changed the old words find nothing; a misspelling is corrected to the folded word."""
    await catalog.upsert([CHRONICLE])
    for typed in ("ipatevskaia letopis", "Ipatʹevskaia letopisʹ", "ipatevsk", "letopis"):
        assert await titles(catalog, typed) == ["Ipatʹevskaia letopisʹ"], typed
    forgiven = await search_forgiving(catalog, "ipatevskaja")
    assert forgiven.corrected == "ipatevskaia"
    await catalog.upsert([replace(CHRONICLE, title="Ipatʹevskiĭ spisok")])
    assert await titles(catalog, "ipatevskaia") == []
    assert await titles(catalog, "ipatevskii spisok") == ["Ipatʹevskiĭ spisok"]
    words = await catalog.store.fetchall("SELECT term FROM books_vocab")
    assert sorted(row[0] for row in words) == ["ipatevskii", "spisok"]


async def test_an_old_index_is_folded_when_the_database_is_upgraded(tmp_path: Path) -> None:
    """A database from before core migration 0015 indexed "ipatʹevskaia" as one word with its
    mark: after the upgrade the title is found by its plain spelling, and corrections use the
    folded words."""
    path = tmp_path / "old.db"
    old = await Store.open(path, target_version=FOLDED - 1)
    try:
        await old.execute(
            "INSERT INTO books (id, source, source_id, title, year, fingerprint, added_at,"
            " updated_at) VALUES (1, 'marc', 'psrl2', 'Ipatʹevskaia letopisʹ', 1908, 'x',"
            " '2026-01-01', '2026-01-01')"
        )
        await old.execute(
            "INSERT INTO books_fts (rowid, title, authors, subjects, description)"
            " SELECT id, title, authors, subjects, description FROM books"
        )
        await old.execute("INSERT INTO catalog_words VALUES ('ipatʹevskaia', 1), ('letopisʹ', 1)")
        catalog = Catalog(old, FakeClock())
        assert await titles(catalog, "ipatevskaia") == []
    finally:
        await old.close()
    store = await Store.open(path)
    try:
        assert await store.schema_version() == latest_version()
        catalog = Catalog(store, FakeClock())
        assert await titles(catalog, "ipatevskaia letopis") == ["Ipatʹevskaia letopisʹ"]
        words = await store.fetchall("SELECT word FROM catalog_words ORDER BY word")
        assert [row[0] for row in words] == ["ipatevskaia", "letopis"]
    finally:
        await store.close()
