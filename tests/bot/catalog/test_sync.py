"""Keeping the catalog in step with a library system: SLiMS and Koha replayed on loopback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.catalog.search import search
from bot.catalog.store import Catalog
from bot.catalog.sync import state
from bot.catalog.sync.engine import LiveCatalog, Syncer, SyncFailed
from bot.catalog.sync.holdings import SourceError, slims_copies
from bot.catalog.sync.sources import live_source
from bot.config import SourceSettings
from bot.storage.store import Store
from bot.time.clock import FakeClock
from tests.fakes.library_systems import RECORDED, Biblio, FakeKoha, FakeSlims, Item


def bumi() -> Biblio:
    return Biblio(
        1,
        "Bumi manusia",
        author="Toer, Pramoedya Ananta",
        subject="Sastra Indonesia",
        publisher="Hasta Mitra",
        year="1980",
        isbn="979-97312-3-2",
        call_number="899.221 TOE b",
        items=[
            Item("B0001", "899.221 TOE b", "Rak Sastra"),
            Item("B0002", "899.221 TOE b", "Rak Sastra"),
        ],
    )


def laskar() -> Biblio:
    return Biblio(
        2, "Laskar pelangi", author="Hirata, Andrea", items=[Item("B0003", "899.221 HIR l")]
    )


@pytest.fixture
def slims() -> Iterator[FakeSlims]:
    with FakeSlims() as server:
        server.add(bumi())
        server.add(laskar())
        yield server


@pytest.fixture
async def catalog(tmp_path: Path) -> AsyncIterator[Catalog]:
    store = await Store.open(tmp_path / "catalog.db")
    yield Catalog(store, FakeClock())
    await store.close()


def syncer(catalog: Catalog, server: FakeSlims | FakeKoha, kind: str = "slims", **extra) -> Syncer:
    return Syncer(catalog, live_source(SourceSettings(kind=kind, url=server.base, **extra)))


async def only(catalog: Catalog, query: str):
    found = (await search(catalog, query, limit=5)).books
    assert len(found) == 1, [b.record.title for b in found]
    return found[0]


async def test_harvest_brings_copies_call_numbers_and_isbn(catalog: Catalog, slims) -> None:
    """After a sync each book has its copies with call number and location; SLiMS's
    dc:identifier_isbn makes the book findable by ISBN."""
    sync = syncer(catalog, slims)
    report = await sync.sync()
    await sync.aclose()
    assert (report.summary.added, report.refreshed) == (2, 2)
    book = await only(catalog, "9789799731234")
    assert book.record.title == "Bumi manusia"
    assert book.available == 2
    assert [(c.barcode, c.call_number, c.location) for c in book.copies] == [
        ("B0001", "899.221 TOE b", "Rak Sastra"),
        ("B0002", "899.221 TOE b", "Rak Sastra"),
    ]


async def test_a_loan_shows_after_the_next_sync(catalog: Catalog, slims) -> None:
    """A loan recorded in SLiMS is on loan with its due date after the next sync; a harvest
    that brings the record again keeps its copies."""
    sync = syncer(catalog, slims)
    await sync.sync()
    slims.biblios[1].items[1].due = date(2026, 1, 19)
    await catalog.clock.advance(15 * 60)
    await sync.sync()
    book = await only(catalog, "bumi manusia")
    assert book.available == 1
    assert [(c.status.value, c.due) for c in book.copies] == [
        ("available", None),
        ("on_loan", date(2026, 1, 19)),
    ]
    await sync.sync(full=True, sweep=0)
    assert (await only(catalog, "bumi manusia")).available == 1
    await sync.aclose()


async def test_deleted_and_edited_records_follow_at_the_nightly_reconciliation(
    catalog: Catalog, slims
) -> None:
    """SLiMS marks no deletion and dates records by creation: the incremental sync sees
    neither; the full reconciliation removes the deleted book and updates the edited title
    in place (one book, not two)."""
    slims.add(Biblio(3, "Ronggeng Dukuh Paruk"))
    slims.add(Biblio(4, "Cantik itu luka"))
    slims.add(Biblio(5, "Pulang"))
    slims.add(Biblio(6, "Amba"))
    sync = syncer(catalog, slims)
    await sync.sync(full=True)
    del slims.biblios[2]
    slims.biblios[1].title = "Bumi manusia: roman"
    await sync.sync()
    assert await catalog.count() == 6
    report = await sync.sync(full=True)
    await sync.aclose()
    assert (report.summary.removed, report.summary.updated) == (1, 1)
    rows = await catalog.store.fetchall("SELECT title FROM books WHERE title LIKE 'Bumi%'")
    assert [row[0] for row in rows] == ["Bumi manusia: roman"]
    assert (await search(catalog, "laskar pelangi")).books == []


async def test_mass_removal_is_refused_with_the_counts(catalog: Catalog, slims) -> None:
    """A source listing far fewer records than before removes nothing and says why."""
    sync = syncer(catalog, slims)
    await sync.sync(full=True)
    del slims.biblios[2]
    report = await sync.sync(full=True)
    await sync.aclose()
    assert report.refused is not None and "1 of 2 books (50%)" in report.refused
    assert await catalog.count() == 2


@pytest.mark.parametrize("fault", ["down", "html", "500 on page 2", "slow"])
async def test_faults_keep_every_book_and_resume(
    catalog: Catalog, slims, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down, an HTML page, a 500 for one page or a slow source: the sync fails in one line,
    keeps every book, and the next sync completes."""
    for number in range(3, 120):
        slims.add(Biblio(number, f"Buku nomor {number}"))
    sync = syncer(catalog, slims)
    await sync.sync(sweep=0)
    before = await catalog.count()
    slims.biblios[200] = Biblio(200, "Buku baru", created="2026-02-01")
    if fault == "down":
        slims.stop()
    elif fault == "html":
        slims.web_page = True
    elif fault == "500 on page 2":
        slims.fail_requests = {slims.oai_requests + 2}
    else:
        monkeypatch.setattr("bot.catalog.sync.engine.TIMEOUT", 0.3)
        slims.delay = 0.6
    with pytest.raises(SyncFailed) as failure:
        await sync.sync(full=fault == "500 on page 2", sweep=0)
    assert "\n" not in str(failure.value)
    assert {
        "down": "cannot reach",
        "html": "did not answer with OAI-PMH XML",
        "500 on page 2": "HTTP 500",
        "slow": "timed out",
    }[fault] in str(failure.value)
    assert await catalog.count() >= before
    if fault == "down":
        slims.start_again()
    slims.web_page = False
    slims.delay = 0
    await sync.sync(sweep=0)
    await sync.aclose()
    assert await catalog.count() == before + 1


async def test_malformed_record_is_skipped_with_one_line(
    catalog: Catalog, slims, caplog: pytest.LogCaptureFixture
) -> None:
    """A record without a title is skipped with one log line; the others come in."""
    slims.add(Biblio(3, ""))
    sync = syncer(catalog, slims)
    with caplog.at_level(logging.WARNING, "pustaka.catalog.sync"):
        report = await sync.sync()
    await sync.aclose()
    assert await catalog.count() == 2
    lines = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(lines) == 1 and "slims-3" in lines[0] and "no title" in lines[0]
    assert len(report.problems) == 1


async def test_moderators_are_told_once_after_an_hour(catalog: Catalog) -> None:
    """Failures within the first hour tell no one; the first after it does, once."""
    store, clock = catalog.store, catalog.clock
    assert not await state.failed(store, "s", clock.now(), "down")
    await clock.advance(45 * 60)
    assert not await state.failed(store, "s", clock.now(), "down")
    await clock.advance(20 * 60)
    assert await state.failed(store, "s", clock.now(), "down")
    await clock.advance(15 * 60)
    assert not await state.failed(store, "s", clock.now(), "down")
    await state.succeeded(store, "s", clock.now(), full=False)
    assert not await state.failed(store, "s", clock.now(), "down again")


async def test_a_book_asked_for_is_refreshed_on_the_spot(catalog: Catalog, slims) -> None:
    """An old status is read again while the member waits; a source too slow leaves the
    stored status with its age."""
    live = LiveCatalog(catalog, [live_source(SourceSettings(kind="slims", url=slims.base))])
    await live.syncers[next(iter(live.syncers))].sync()
    book = await only(catalog, "bumi manusia")
    slims.biblios[1].items[0].due = date(2026, 1, 20)
    shown, read_at = await live.fresh(book)
    assert shown.available == 2  # read a moment ago: not asked again
    await catalog.clock.advance(10 * 60)
    shown, read_at = await live.fresh(book)
    assert shown.available == 1 and read_at == catalog.clock.now()
    slims.biblios[1].items[1].due = date(2026, 1, 21)
    slims.delay = 0.5
    await catalog.clock.advance(10 * 60)
    shown, read_at = await live.fresh(shown, within=0.1)
    assert shown.available == 1 and read_at == catalog.clock.now() - timedelta(minutes=10)
    slims.delay = 0
    await live.aclose()


async def test_koha_items_from_the_public_rest_api(catalog: Catalog) -> None:
    """Koha: records over OAI-PMH MARCXML, copies from /api/v1/public/biblios/N/items."""
    with FakeKoha() as koha:
        koha.add(
            Biblio(
                7,
                "Pulang",
                author="Chudori, Leila S.",
                items=[
                    Item("K1", "899.221 CHU p", "Fiksi"),
                    Item("K2", "899.221 CHU p", "Fiksi", due=date(2026, 1, 30)),
                    Item("K3", "899.221 CHU p", "Referensi", no_loan=True),
                ],
            )
        )
        sync = syncer(catalog, koha, kind="koha")
        await sync.sync()
        await sync.aclose()
    book = await only(catalog, "pulang")
    assert [c.status.value for c in book.copies] == ["available", "on_loan", "not_for_loan"]
    assert book.copies[0].call_number == "899.221 CHU p"


def test_recorded_slims_detail_page_copies() -> None:
    """The copies on a real SLiMS detail page: location, call number, item code, and the loan
    with its due date."""
    page = (RECORDED / "2-detail-2.html").read_text(encoding="utf-8")
    copies = slims_copies(page)
    assert [(c.barcode, c.call_number, c.location, c.status.value, c.due) for c in copies] == [
        ("B00009", "005.4/32-22 Ell l", "My Library", "available", None),
        ("B00010", "005.4/32-22 Ell l", "My Library", "on_loan", date(2026, 12, 12)),
    ]
    with pytest.raises(SourceError):
        slims_copies('<?xml version="1.0"?><OAI-PMH/>')


async def test_a_failed_reconciliation_resumes_from_its_next_page(catalog: Catalog, slims) -> None:
    """A reconciliation cut by a 500 on page 2 keeps what it read; the next one asks for page 2
    by its resumption token (not page 1 again). Only an uninterrupted one removes the record
    the source deleted (a deletion shifts offset-based pages)."""
    for number in range(3, 121):
        slims.add(Biblio(number, f"Buku nomor {number}"))
    sync = syncer(catalog, slims)
    await sync.sync(sweep=0)
    del slims.biblios[5]
    slims.fail_requests = {slims.oai_requests + 2}
    with pytest.raises(SyncFailed, match="HTTP 500"):
        await sync.sync(full=True, sweep=0)
    assert await catalog.count() == 120
    asked = len(slims.oai.requests)
    report = await sync.sync(full=True, sweep=0)
    resumed = slims.oai.requests[asked:]
    assert len(resumed) == 2 and "resumptionToken" in resumed[0], resumed
    assert report.summary.removed == 0
    report = await sync.sync(full=True, sweep=0)
    assert report.summary.removed == 1
    assert await catalog.count() == 119
    await sync.aclose()
