"""A SLiMS configured as a catalog source, as members and moderators see it through the console:
harvested and kept in step by the scheduler, with copies, loans and due dates on /book."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from bot.process.cli import main
from bot.time.clock import FakeClock
from tests.cogs.catalog.conftest import held_app, sync_due
from tests.conftest import Chat, write_config
from tests.fakes.library_systems import Biblio, FakeSlims, Item


@pytest.fixture
def slims() -> Iterator[FakeSlims]:
    with FakeSlims() as server:
        server.add(
            Biblio(
                1,
                "Bumi manusia",
                author="Toer, Pramoedya Ananta",
                year="1980",
                isbn="979-97312-3-2",
                call_number="899.221 TOE b",
                items=[
                    Item("B0001", "899.221 TOE b", "Rak Sastra"),
                    Item("B0002", "899.221 TOE b", "Rak Sastra"),
                ],
            )
        )
        server.add(Biblio(2, "Laskar pelangi", author="Hirata, Andrea", items=[Item("B0003")]))
        yield server


@pytest.fixture
def config(tmp_path: Path, slims: FakeSlims) -> Config:
    extra = (
        f'[[catalog.sources]]\nkind = "slims"\nurl = "{slims.base}"\nname = "slims"\n'
        '[moderators]\nconsole = ["sari"]\n'
    )
    return load_config(write_config(tmp_path, extra), env={})


app = pytest.fixture(held_app, name="app")


async def test_harvested_book_shows_real_copies_and_loans(
    app: App, chat: Chat, clock: FakeClock, slims: FakeSlims
) -> None:
    """The first sync runs at start; /book shows the call number and "2 of 2 copies on the
    shelf"; a loan made in SLiMS shows with its due date after the next sync."""
    assert await sync_due(app) == 1
    shown = await chat.say("/book bumi manusia")
    assert "2 dari 2 eksemplar ada di rak — nomor panggil 899.221 TOE b (Rak Sastra)" in shown
    assert "Status dari perpustakaan baru saja" in shown
    slims.biblios[1].items[0].due = date(2026, 1, 19)
    await clock.advance(15 * 60)
    assert await sync_due(app) == 1
    shown = await chat.say("/book bumi manusia")
    assert "1 dari 2 eksemplar ada di rak" in shown
    assert "899.221 TOE b · Rak Sastra: dipinjam sampai 19 Januari 2026" in shown


async def test_old_status_is_read_again_when_a_member_asks(
    app: App, chat: Chat, clock: FakeClock, slims: FakeSlims
) -> None:
    """A status older than a few minutes is read on the spot; a source that is down leaves
    the stored status, shown with its age."""
    await sync_due(app)
    slims.biblios[1].items[1].due = date(2026, 1, 20)
    await clock.advance(10 * 60)
    shown = await chat.say("/book bumi manusia")
    assert "1 dari 2 eksemplar ada di rak" in shown
    assert "Status dari perpustakaan baru saja" in shown
    slims.stop()
    await clock.advance(10 * 60)
    shown = await chat.say("/book bumi manusia")
    assert "1 dari 2 eksemplar ada di rak" in shown
    assert "Status dari perpustakaan 10 menit yang lalu" in shown


async def test_deleted_and_edited_records_after_the_nightly_reconciliation(
    app: App, chat: Chat, clock: FakeClock, slims: FakeSlims
) -> None:
    """A record deleted in SLiMS is gone and an edited title updated (not duplicated) after
    the nightly reconciliation (02:30 WIB)."""
    for number in range(3, 12):
        slims.add(Biblio(number, f"Buku nomor {number}"))
    await sync_due(app)
    del slims.biblios[2]
    slims.biblios[1].title = "Bumi manusia: sebuah roman"
    await clock.advance(15 * 60)
    await sync_due(app)
    assert "Laskar pelangi" in await chat.say("/book laskar pelangi")
    await clock.advance(24 * 3600)
    await sync_due(app)
    assert "tidak punya" in await chat.say("/book laskar pelangi")
    shown = await chat.say("/book bumi manusia")
    assert "Bumi manusia: sebuah roman — Pramoedya Ananta Toer (1980)" in shown
    rows = await app.services.store.fetchall("SELECT count(*) FROM books WHERE title LIKE 'Bumi%'")
    assert rows[0][0] == 1


async def test_moderators_told_once_after_an_hour_of_failure(
    app: App,
    chat: Chat,
    clock: FakeClock,
    slims: FakeSlims,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A source down for more than an hour is reported to moderators once, not every 15
    minutes; members keep the books; `pustaka status` says since when it fails."""
    await sync_due(app)
    slims.stop()
    start = chat.output.tell()
    for _ in range(8):  # two hours of syncs every 15 minutes
        await clock.advance(15 * 60)
        await sync_due(app)
    told = chat.printed_since(start)
    assert told.count("tidak menjawab lebih dari satu jam") == 1
    assert "Bumi manusia" in await chat.say("/book bumi manusia")
    arguments = ["--config", str(tmp_path / "config.toml"), "status"]
    assert await asyncio.to_thread(main, arguments) == 0
    shown = capsys.readouterr().out
    assert "catalog source slims: last sync 2026-01-05 03:00:00 UTC" in shown
    assert "; failing since 2026-01-05 03:15:00 UTC: cannot reach" in shown
