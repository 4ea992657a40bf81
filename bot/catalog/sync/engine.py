"""Keeping one source in step: the incremental sync, the full reconciliation, a book's refresh.

Every write is a whole batch: a harvested page is one transaction (`Catalog.upsert`), the
copies read in one sweep are written together, and the removals of a reconciliation go in
batches only once every record has been read. A failure stops the run with one line
(:class:`SyncFailed`); what was written stays. An incremental sync's mark does not move, so the
next starts again from the last complete one (unchanged records cost nothing); a
reconciliation keeps the records it read and its next page's resumption token with each page,
and resumes from there.

INLISLite's OAI-PMH lists every record, undated, and fails when asked for those changed since a
date, so each of its incremental syncs reads the whole list (edits are seen at once; deletions
still wait for the reconciliation, which alone removes books).

Why a nightly full reconciliation: some servers send no deletion marker (SLiMS's oai2.php
leaves a deleted record out, marking only records hidden from the OPAC), and some date records
by their creation (SLiMS's ``input_date``), so an incremental harvest by datestamp never sees
an edit. Reading every record again sees both: an edit changes the stored record (by its key,
never a second book), and a record the source no longer lists is removed — unless that would
remove more than `max_removal_share` of the source's books, which is refused with the counts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial

import httpx

from bot.catalog.harvest import HarvestError, Pages, apply_page, harvest, remember_harvest
from bot.catalog.importers.base import Skipped
from bot.catalog.reconcile import reconcile
from bot.catalog.store import Book, Catalog, ImportSummary
from bot.catalog.sync import state
from bot.catalog.sync.holdings import SourceError, read_copies
from bot.catalog.sync.sources import LiveSource
from bot.storage.store import Store

log = logging.getLogger("pustaka.catalog.sync")

TIMEOUT = 10.0  # seconds a source may take to answer one request during a sync
SWEEP = 200  # books whose copies are read again each incremental sync, the stalest first
PARALLEL = 4  # requests at once to one source


class SyncFailed(Exception):
    """A sync that could not finish, in one line."""


@dataclass
class SyncReport:
    source: str
    full: bool
    summary: ImportSummary = field(default_factory=ImportSummary)
    refreshed: int = 0  # books whose copies were read
    problems: list[str] = field(default_factory=list)  # one line each, already logged
    refused: str | None = None  # a removal refused as too large

    def line(self) -> str:
        s = self.summary
        kind = "full reconciliation" if self.full else "sync"
        text = (
            f"{kind} of {self.source}: {s.added} added, {s.updated} updated,"
            f" {s.unchanged} unchanged, {s.removed} removed, {len(s.skipped)} skipped;"
            f" copies read for {self.refreshed} books"
        )
        return text + (f"; {self.refused}" if self.refused else "")


class Syncer:
    def __init__(
        self, catalog: Catalog, source: LiveSource, http: httpx.AsyncClient | None = None
    ) -> None:
        self.catalog = catalog
        self.source = source
        self._http = http
        self._owns_http = http is None

    @property
    def store(self) -> Store:
        return self.catalog.store

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient()
        return self._http

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    async def sync(self, *, full: bool = False, sweep: int = SWEEP) -> SyncReport:
        """Harvest what changed (everything when `full`), then read the stalest copies.
        Raises SyncFailed in one line (the caller records it with `state.failed`)."""
        report = SyncReport(self.source.name, full)
        if full:
            await self._reconcile(report)
        else:
            try:
                report.summary = await harvest(
                    self.catalog,
                    self.store,
                    self.source.oai_url,
                    self.source.metadata_prefix,
                    source=self.source.name,
                    request_seconds=TIMEOUT,
                    dated=self.source.dated,
                )
            except HarvestError as error:
                raise SyncFailed(str(error)) from None
            self._log_skipped(report)
        if self.source.live and sweep:
            stalest = await state.stalest(self.store, self.source.name, sweep)
            books = await self.catalog.books(stalest)
            report.refreshed = await self.refresh(books, report=report)
        now = self.catalog.clock.now()
        await state.succeeded(self.store, self.source.name, now, full=full)
        return report

    def _log_skipped(self, report: SyncReport) -> None:
        for number, reason in report.summary.skipped:
            report.problems.append(f"{self.source.name}: record {number} skipped: {reason}")
            log.warning("%s", report.problems[-1])

    async def _reconcile(self, report: SyncReport) -> None:
        """Read every record, page by page, each page written with what it read (so a failed
        reconciliation resumes from its next page); then remove the books not read. A resumed
        reconciliation removes nothing: servers such as SLiMS page by offset, so a record
        deleted meanwhile shifts the pages and one record may go unread; the next
        uninterrupted one removes what is gone."""
        store, name = self.store, self.source.name
        token = await state.full_token(store, name)
        if token is None:
            await state.start_full(store, name)
        start = partial(Pages, source=name, timeout=TIMEOUT, resume=token)
        pages = await asyncio.to_thread(
            start, self.source.oai_url, self.source.metadata_prefix, None, None
        )
        try:
            while (page := await asyncio.to_thread(pages.next)) is not None:
                await apply_page(self.catalog, page, report.summary, name)
                # A record skipped as malformed is still the library's: kept, not removed.
                read = [
                    item.number if isinstance(item, Skipped) else item.source_id
                    for item in page.items
                ]
                await state.read_page(store, name, read, page.token)
        except HarvestError as error:
            if token is not None and "badResumptionToken" in str(error):
                await state.start_full(store, name)  # the server forgot it: afresh next time
            raise SyncFailed(str(error)) from None
        finally:
            await asyncio.to_thread(pages.close)
        self._log_skipped(report)
        gone, total = await state.unseen(store, name)
        share = len(gone) / total if total else 0
        if token is not None:
            if gone:
                log.info(
                    "%s: %d books the source no longer lists are removed by the next"
                    " uninterrupted reconciliation",
                    name,
                    len(gone),
                )
        elif gone and share > self.source.max_removal_share:
            report.refused = (
                f"removing {len(gone)} of {total} books ({share:.0%}) that the source no"
                f" longer lists was refused: more than {self.source.max_removal_share:.0%}"
            )
            log.warning("%s: %s", name, report.refused)
        elif gone:
            # As a full import does: members' shelves, ratings and clubs follow the same book
            # where the catalog still has it (bot/catalog/reconcile.py); the share was checked.
            seen = set(await state.seen(store, name))
            removal = await reconcile(store, name, seen, allow_mass_removal=True)
            report.summary.removed += removal.books
            await state.forget_removed(store, name)
        await state.start_full(store, name)
        if token is None and pages.response_date:
            # Read from its first page: the next incremental sync may start from there.
            source = self.source
            await remember_harvest(
                store, source.oai_url, source.metadata_prefix, None, pages.response_date
            )

    async def refresh(
        self,
        books: list[Book],
        *,
        wait: float = TIMEOUT,
        report: SyncReport | None = None,
    ) -> int:
        """Read these books' copies from the source and store them (one batch); returns how
        many were read. A book whose copies cannot be read keeps what it had."""
        if not books:
            return 0
        limit = asyncio.Semaphore(PARALLEL)
        errors: list[str] = []

        async def read(book: Book) -> Book | None:
            async with limit:
                try:
                    # The whole answer within `wait` (httpx's timeout is per read); the write
                    # that follows is never cut.
                    async with asyncio.timeout(wait):
                        copies = await read_copies(
                            self.http, self.source, book.record.source_id, wait
                        )
                except TimeoutError:
                    errors.append(f"{self.source.url} did not answer within {wait:g} s")
                    return None
                except SourceError as error:
                    errors.append(str(error))
                    return None
                return replace(book, record=replace(book.record, copies=copies))

        read_books = [b for b in await asyncio.gather(*(read(b) for b in books)) if b]
        for error in errors[:3]:
            line = f"{self.source.name}: copies not read: {error}"
            log.warning("%s", line)
            if report is not None:
                report.problems.append(line)
        if len(errors) > 3:
            log.warning("%s: copies not read for %d more books", self.source.name, len(errors) - 3)
        if errors and not read_books:
            raise SyncFailed(errors[0])
        if read_books:
            await self.catalog.upsert([b.record for b in read_books])
            await state.checked(
                self.store,
                self.source.name,
                [b.record.source_id for b in read_books],
                self.catalog.clock.now(),
            )
        return len(read_books)


FRESH = timedelta(minutes=5)  # a book's status older than this is read again when asked for
WAIT = 2.0  # seconds a member waits for that, at most


class LiveCatalog:
    """The configured sources' syncers, and the refresh of one book a member asks about."""

    def __init__(self, catalog: Catalog, sources: Iterable[LiveSource]) -> None:
        self.catalog = catalog
        self.syncers = {source.name: Syncer(catalog, source) for source in sources}

    async def aclose(self) -> None:
        for syncer in self.syncers.values():
            await syncer.aclose()

    async def fresh(
        self, book: Book, *, older_than: timedelta = FRESH, within: float = WAIT
    ) -> tuple[Book, datetime | None]:
        """The book with its copies as fresh as the source gives them within `within` seconds,
        and when they were read (None: its source is not one read live)."""
        syncer = self.syncers.get(book.record.source)
        if syncer is None or not syncer.source.live:
            return book, None
        store = self.catalog.store
        read_at = await state.checked_at(store, book.record.source, book.record.source_id)
        now = self.catalog.clock.now()
        if read_at is not None and now - read_at < older_than:
            return book, read_at
        try:
            await syncer.refresh([book], wait=within)
        except SyncFailed as error:
            log.info(
                "%s: showing the stored status of book #%d: %s", syncer.source.name, book.id, error
            )
            return book, read_at
        return (await self.catalog.book(book.id) or book), now
