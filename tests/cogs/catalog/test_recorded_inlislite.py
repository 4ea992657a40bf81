"""Acceptance against a real INLISLite 3's recorded answers (tests/fixtures/inlislite/recorded):
harvest, copies and call numbers from its OPAC, a loan, an edited title and a deleted record,
through the console; and `pustaka catalog check` against the same answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.catalog.sync.check import check_source
from bot.catalog.sync.holdings import SourceError, inlislite_copies
from bot.catalog.sync.sources import live_source
from bot.config import Config, load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.catalog.conftest import held_app, sync_due
from tests.conftest import Chat, write_config
from tests.fakes.library_systems import INLISLITE, RecordedInlislite


@pytest.fixture
def inlislite() -> Iterator[RecordedInlislite]:
    with RecordedInlislite() as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, inlislite: RecordedInlislite) -> Config:
    source = f'[[catalog.sources]]\nkind = "inlislite"\nurl = "{inlislite.base}"\nname = "inlis"\n'
    return load_config(write_config(tmp_path, source), env={})


app = pytest.fixture(held_app, name="app")


async def test_recorded_inlislite_from_harvest_to_nightly_reconciliation(
    app: App, chat: Chat, clock: FakeClock, inlislite: RecordedInlislite
) -> None:
    """Harvest: the real call number and 2 of 2 copies on the shelf; a loan: on loan after the
    next sync (INLISLite's OPAC shows no due date); an edited title updated in place by the next
    sync (its OAI-PMH lists every record each time); the deleted record gone after the nightly
    reconciliation."""
    assert await sync_due(app) == 1
    shown = await chat.say("/book bumi manusia")
    assert "Bumi Manusia — Pramoedya Ananta Toer (1980)" in shown
    assert (
        "2 dari 2 eksemplar ada di rak — nomor panggil 899.221 3 TOE b"
        " (Perpustakaan Pusat - Ruang Baca Umum)" in shown
    )

    inlislite.stage = 2
    await clock.advance(15 * 60)
    assert await sync_due(app) == 1
    shown = await chat.say("/book bumi manusia")
    assert "1 dari 2 eksemplar ada di rak" in shown
    assert "899.221 3 TOE b · Perpustakaan Pusat - Ruang Baca Umum: dipinjam" in shown
    assert "dipinjam sampai" not in shown
    # The incremental syncs never asked for `from`, which INLISLite answers with HTTP 500.
    assert not any("from=" in path for path in inlislite.requests)

    inlislite.stage = 3
    await clock.advance(15 * 60)
    assert await sync_due(app) == 1
    assert "Ronggeng Dukuh Paruk — Ahmad Tohari (1982)" in await chat.say("/book ronggeng")
    store = app.services.store
    assert await store.fetchval("SELECT count(*) FROM books WHERE title LIKE 'Ronggeng%'") == 1
    deleted = "SELECT count(*) FROM books WHERE source = 'inlis' AND source_id LIKE '%:15'"
    assert await store.fetchval(deleted) == 1  # no marker: only the reconciliation can know
    await clock.advance(24 * 3600)
    await sync_due(app)
    assert await store.fetchval(deleted) == 0
    assert "Siti Nurbaya" not in await chat.say("/book siti nurbaya")
    assert await store.fetchval("SELECT count(*) FROM books WHERE source = 'inlis'") == 4


async def test_catalog_check_says_what_a_recorded_inlislite_gives(
    inlislite: RecordedInlislite, tmp_path: Path
) -> None:
    config = load_config(
        write_config(
            tmp_path, f'[[catalog.sources]]\nkind = "inlislite"\nurl = "{inlislite.base}"\n'
        ),
        env={},
    )
    inlislite.stage = 2
    lines: list[str] = []
    assert await check_source(live_source(config.catalog.sources[0]), lines.append)
    said = "\n".join(lines)
    assert f"INLISLite at {inlislite.base} (OAI-PMH {inlislite.base}oai)" in said
    assert "✓ records: at least 5 (marcxml), e.g. “Laskar Pelangi”" in said
    assert "✓ copies: from the OPAC detail page: “Laskar Pelangi” has 1" in said
    assert "(899.221 3 HIR l, Perpustakaan Pusat - Ruang Baca Umum)" in said
    assert "loans: whether each copy is on loan (0 of these now); its OPAC shows no due dates" in (
        said
    )
    assert "deletions: not announced by the server" in said
    assert "each sync reads the whole catalog" in said


def test_detail_pages_as_inlislite_writes_them() -> None:
    """A record without copies has an empty table; anything but a detail page is an error,
    not a book without copies."""
    assert inlislite_copies((INLISLITE / "4-detail-16-no-copies.html").read_text()) == ()
    with pytest.raises(SourceError, match="not an INLISLite detail page"):
        inlislite_copies((INLISLITE / "1-listrecords-from.html").read_text())
