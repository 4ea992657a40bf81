"""/book with Open Library behind it, through a loopback fake of Open Library."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from tests.cogs.catalog.test_catalog import CANTIK
from tests.conftest import Chat, write_config
from tests.fakes.openlibrary_api import FakeOpenLibrary


@pytest.fixture
def config(tmp_path: Path, openlibrary: FakeOpenLibrary) -> Config:
    extra = f'[openlibrary]\nbase_url = "{openlibrary.base_url}"\nrequests_per_second = 10\n'
    return load_config(write_config(tmp_path, extra), env={})


@pytest.fixture
async def catalog(app: App):
    feature = next(f for f in app.services.registry.features if f.name == "catalog")
    await feature.catalog.upsert([CANTIK])
    return feature.catalog


async def test_books_the_library_lacks_come_from_open_library(chat: Chat, catalog) -> None:
    """A book only Open Library knows is listed after ours, marked as not in our library."""
    shown = await chat.say("/book laskar pelangi")
    assert "Perpustakaan tidak punya apa pun yang cocok" in shown
    assert "Di tempat lain, di Open Library" in shown
    assert "Laskar Pelangi — Andrea Hirata" in shown
    assert "(tidak ada di perpustakaan kami)" in shown


async def test_our_own_book_is_not_repeated_from_open_library(chat: Chat, catalog) -> None:
    """A title the library has is shown from our catalog, not again as missing."""
    from dataclasses import replace

    await catalog.upsert(
        [
            replace(
                CANTIK,
                source_id="b1",
                title="Bumi Manusia",
                authors=("Pramoedya Ananta Toer",),
                year=1980,
            )
        ]
    )
    shown = await chat.say("/book bumi manusia")
    assert "Bumi Manusia — Pramoedya Ananta Toer (1980)" in shown
    assert "Bumi Manusia** " not in shown
    assert "Bumi Manusia — Pramoedya Ananta Toer (1980) (tidak ada" not in shown
    assert shown.count("Bumi Manusia") == 1


async def test_open_library_down_still_gives_local_results(
    chat: Chat, catalog, openlibrary: FakeOpenLibrary
) -> None:
    """When Open Library answers garbage the member gets our results and one line about it."""
    openlibrary.fail_next("malformed", times=5)
    shown = await chat.say("/book cantik")
    assert "Cantik Itu Luka — Eka Kurniawan (2002)" in shown
    assert "Hasil daring sedang tidak tersedia." in shown
