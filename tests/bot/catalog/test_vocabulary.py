"""The catalog's words for correcting typos: filled for an existing catalog, kept in step."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.search import search_forgiving
from bot.catalog.store import Catalog
from bot.catalog.vocabulary import words
from bot.storage.store import Store
from bot.time.clock import FakeClock


def test_words_are_the_index_words() -> None:
    """Lower case, accents gone, split where the full-text index splits."""
    assert words("Ronggéng Dukuh Paruk") == {"ronggeng", "dukuh", "paruk"}
    assert words("Kura-Kura_Berjanggut") == {"kura", "berjanggut"}


async def test_an_existing_catalog_gets_its_words(tmp_path: Path) -> None:
    """A catalog from before the vocabulary gets it from its full-text index on upgrade: each
    word of a title or an author with the number of books using it, and typos are forgiven."""
    path = tmp_path / "old.db"
    old = await Store.open(path, target_version=7)
    books = [
        (1, "Bumi Manusia", '["Pramoedya Ananta Toer"]', '["sejarah"]'),
        (2, "Anak Semua Bangsa", '["Pramoedya Ananta Toer"]', '["sejarah"]'),
    ]
    for book_id, title, authors, subjects in books:
        await old.execute(
            "INSERT INTO books (id, source, source_id, title, authors, subjects, fingerprint,"
            " added_at, updated_at) VALUES (?, 'old', ?, ?, ?, ?, '', '2026-01-01', '2026-01-01')",
            (book_id, str(book_id), title, authors, subjects),
        )
    await old.execute(
        "INSERT INTO books_fts (rowid, title, authors, subjects, description)"
        " SELECT id, title, authors, subjects, description FROM books"
    )
    await old.close()

    store = await Store.open(path)
    counts = dict(await store.fetchall("SELECT word, uses FROM catalog_words"))
    assert counts == {
        "bumi": 1,
        "manusia": 1,
        "anak": 1,
        "semua": 1,
        "bangsa": 1,
        "pramoedya": 2,
        "ananta": 2,
        "toer": 2,
    }
    found = await search_forgiving(Catalog(store, FakeClock()), "pramudya bangsa")
    assert found.corrected == "pramoedya bangsa"
    assert [b.record.title for b in found.books] == ["Anak Semua Bangsa"]
    await store.close()
