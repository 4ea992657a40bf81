"""Acceptance against a real SLiMS's recorded answers (tests/fixtures/slims/recorded): harvest,
copies and call numbers, a loan, an edited title and a deleted record, through the console."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.catalog.conftest import held_app, sync_due
from tests.conftest import Chat, write_config
from tests.fakes.library_systems import RecordedSlims


@pytest.fixture
def slims() -> Iterator[RecordedSlims]:
    with RecordedSlims() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, slims: RecordedSlims) -> Config:
    source = f'[[catalog.sources]]\nkind = "slims"\nurl = "{slims.base}"\nname = "slims"\n'
    return load_config(write_config(tmp_path, source), env={})


app = pytest.fixture(held_app, name="app")


async def test_recorded_slims_from_harvest_to_nightly_reconciliation(
    app: App, chat: Chat, clock: FakeClock, slims: RecordedSlims
) -> None:
    """Harvest: the real call number and 2 of 2 copies on the shelf; a loan: on loan with its
    due date after the next sync; the nightly reconciliation: the deleted record gone, the
    edited title updated in place."""
    assert await sync_due(app) == 1
    shown = await chat.say("/book linux in a nutshell")
    assert "Linux In a Nutshell — Ellen Siever" in shown
    assert "2 dari 2 eksemplar ada di rak — nomor panggil 005.4/32-22 Ell l (My Library)" in shown
    # SLiMS writes the ISBN as dc:identifier_isbn (0764541668): found by its ISBN-13
    assert "PHP 5 for dummies" in await chat.say("/book 9780764541667")

    slims.stage = 2
    await clock.advance(15 * 60)
    assert await sync_due(app) == 1
    shown = await chat.say("/book linux in a nutshell")
    assert "1 dari 2 eksemplar ada di rak" in shown
    assert "005.4/32-22 Ell l · My Library: dipinjam sampai 12 Desember 2026" in shown

    slims.stage = 3
    await clock.advance(15 * 60)
    await sync_due(app)
    assert "Cathedral and the Bazaar: Musings" in await chat.say("/book cathedral bazaar")
    deleted = await app.services.store.fetchval(
        "SELECT title FROM books WHERE source_id LIKE '%:slims-6'"
    )
    assert deleted is not None  # no marker, and the incremental sync cannot know
    await clock.advance(24 * 3600)
    await sync_due(app)
    shown = await chat.say("/book cathedral bazaar")
    assert "The Cathedral and the Bazaar — Eric Raymond (2001)" in shown
    assert "Musings" not in shown
    assert (
        await app.services.store.fetchval(
            "SELECT count(*) FROM books WHERE title LIKE '%Cathedral%'"
        )
        == 1
    )
    assert (
        await app.services.store.fetchval(
            "SELECT count(*) FROM books WHERE source_id LIKE '%:slims-6'"
        )
        == 0
    )
