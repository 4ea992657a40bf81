from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, time, timedelta

from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Option, command, integer, text
from bot.api.context import Context, Destination
from bot.api.jobs import JobContext, job
from bot.api.replies import Choice, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.catalog.openlibrary import OLBook, OpenLibrary, OpenLibraryUnavailable
from bot.catalog.sample import SOURCE as SAMPLE
from bot.catalog.sample import load_sample
from bot.catalog.search import Results, search, search_forgiving
from bot.catalog.sources import book_count, remove_source, was_removed
from bot.catalog.store import Book, Catalog
from bot.catalog.sync import state
from bot.catalog.sync.engine import LiveCatalog, SyncFailed
from bot.catalog.sync.sources import LiveSource, live_source
from cogs.catalog.cards import after_title, label, long_date, summary
from cogs.catalog.public import book_card, looked_at, wanted_missing
from cogs.catalog.web import Uploads

log = logging.getLogger("pustaka.catalog")

SHOWN = 5  # matches a page
ONLINE_SHOWN = 3  # Open Library titles the library lacks, shown after our own
ONLINE_WAIT = 2.5  # seconds from the question; a member never waits longer for Open Library
SYNC = "catalog.sync"  # a job keeping one [[catalog.sources]] entry in step


class CatalogFeature(Feature):
    name = "catalog"
    description = N_("Books")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "days": N_("parameter:days"),
        "page": N_("parameter:page"),
        "query": N_("parameter:query"),
    }

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.catalog = Catalog(services.store, services.clock)
        self.openlibrary = OpenLibrary(services.config.openlibrary, services.store, services.clock)
        self._told_offline: tuple[int | None, set[int]] = (None, set())
        sources = [live_source(s) for s in services.config.catalog.sources]
        self.live = LiveCatalog(self.catalog, sources)
        # One sync of a source at a time: a reconciliation waits for a sync still running.
        self._syncing = {source.name: asyncio.Lock() for source in sources}
        self.uploads = Uploads(self)

    async def on_stop(self) -> None:
        await self.uploads.close()
        await self.openlibrary.aclose()
        await self.live.aclose()

    async def on_start(self) -> None:
        """The sample is loaded into an empty catalog it was never removed from, and removed
        when the configuration no longer wants it."""
        store = self.services.store
        if not self.services.config.catalog.sample:
            if await book_count(store, SAMPLE):
                removal = await remove_source(store, self.services.clock, SAMPLE)
                log.info(
                    "removed the sample catalog ([catalog] sample = false): %d books;"
                    " %d members' entries follow the same book from another source, %d had none",
                    removal.books,
                    removal.followed,
                    removal.dropped,
                )
        elif await self.catalog.count() == 0 and not await was_removed(store, SAMPLE):
            await self._load_sample()
        if pruned := await self.openlibrary.prune():
            log.info("forgot %d Open Library answers older than a month past expiry", pruned)
        for syncer in self.live.syncers.values():
            await self._plan(syncer.source, self.services.clock.now())

    # Keeping the configured sources in step -------------------------------------------------

    async def _plan(self, source: LiveSource, after: datetime) -> None:
        """The next incremental sync and the next nightly reconciliation (the same keys at
        every start, so planning again changes nothing); the first sync ever at once."""
        scheduler = self.services.scheduler
        if (await state.sync_state(self.services.store, source.name)).last_sync is None:
            payload = {"source": source.name, "full": False}
            await scheduler.schedule(SYNC, f"{SYNC}:{source.name}:first", after, payload)
        step = source.every_minutes * 60
        slot = (int(after.timestamp()) // step + 1) * step
        due = datetime.fromtimestamp(slot, UTC)
        await scheduler.schedule(
            SYNC, f"{SYNC}:{source.name}:{due.isoformat()}", due, {"source": source.name}
        )
        tz = self.services.config.bot.tz
        hour, minute = (int(part) for part in source.nightly_at.split(":"))
        day = after.astimezone(tz).date()
        nightly = datetime.combine(day, time(hour, minute), tz)
        if nightly <= after:
            nightly = datetime.combine(day + timedelta(days=1), time(hour, minute), tz)
        await scheduler.schedule(
            SYNC,
            f"{SYNC}:{source.name}:nightly:{nightly.date().isoformat()}",
            nightly,
            {"source": source.name, "full": True},
        )

    @job(SYNC)
    async def sync_source(self, ctx: JobContext) -> None:
        """Start one sync of one source in the background: a sync takes seconds (a nightly
        reconciliation minutes), and the scheduler runs its jobs one after another, so a
        reminder or a quiz timer must not wait for it. An incremental sync due while the
        source's last one still runs is skipped; a reconciliation waits for it."""
        syncer = self.live.syncers.get(ctx.payload.get("source", ""))
        if syncer is None:
            return  # no longer configured
        source = syncer.source
        await self._plan(source, ctx.job.due_at if ctx.job else self.services.clock.now())
        full = bool(ctx.payload.get("full"))
        if not full and self._syncing[source.name].locked():
            log.info("%s: the previous sync is still running; this one is skipped", source.name)
            return
        self.services.tasks.spawn(self._sync(ctx, source, full), name=f"sync {source.name}")

    async def _sync(self, ctx: JobContext, source: LiveSource, full: bool) -> None:
        """A failure is one log line, retried at the next sync (a failed reconciliation then
        too); moderators hear of it once, after an hour."""
        async with self._syncing[source.name]:
            await self._sync_now(ctx, source, full)

    async def _sync_now(self, ctx: JobContext, source: LiveSource, full: bool) -> None:
        now = self.services.clock.now()
        try:
            report = await self.live.syncers[source.name].sync(full=full)
        except Exception as error:
            if isinstance(error, SyncFailed):
                log.warning(
                    "%s of %s failed: %s; %s",
                    "full reconciliation" if full else "sync",
                    source.name,
                    error,
                    f"retried in {source.every_minutes} minutes from the page it stopped at"
                    if full
                    else "the next sync starts again where the last complete one ended",
                )
            else:
                log.exception("sync of %s failed", source.name)
            if full:
                retry = now + timedelta(minutes=source.every_minutes)
                await self.services.scheduler.schedule(
                    SYNC, f"{SYNC}:{source.name}:retry:{retry.isoformat()}", retry, ctx.payload
                )
            if await state.failed(self.services.store, source.name, now, str(error)):
                await self._tell_moderators(ctx, source, str(error))
        else:
            log.info("%s", report.line())

    async def _tell_moderators(self, ctx: JobContext, source: LiveSource, error: str) -> None:
        """Each moderator named in [moderators], privately, once for this outage."""
        text = ctx._(
            "The library system {source} has not answered for more than an hour: {error}."
            " Members see the last status read from it; the bot keeps trying every"
            " {minutes} minutes."
        ).format(source=source.name, error=error, minutes=source.every_minutes)
        moderators = self.services.config.moderators
        for platform in ("console", "telegram", "discord"):
            for member in sorted(getattr(moderators, platform)):
                try:
                    await ctx.send(Reply.of(text), to=Destination(platform, member, private=True))
                except Exception:
                    log.warning("could not tell moderator %s on %s", member, platform)
        log.warning("%s has failed for more than an hour: %s", source.name, error)

    async def _load_sample(self) -> None:
        records = load_sample(today=self.services.clock.now().date())
        summary = await self.catalog.upsert(records)
        log.info("loaded the sample catalog: %d books", summary.added)

    @command(
        "book",
        N_("Find a book in the library: title, author, subject or ISBN."),
        text("query", N_("What to look for"), rest=True, max_length=200, autocomplete="titles"),
        aliases=("buku",),
    )
    async def book(self, ctx: Context, query: str) -> Reply | list[Reply]:
        if query.startswith("#") and query[1:].isdigit():
            found = await self.catalog.book(int(query[1:]))
            if found is None:
                raise UserError(ctx._("There is no book #{number}.").format(number=query[1:]))
            return await self._card(ctx, found)
        return await self._page(ctx, query, 1)

    async def _card(self, ctx: Context, book: Book) -> Reply:
        """One book's card, its copies read again from the library system when their status
        is older than a few minutes and the system answers in time."""
        book, read_at = await self.live.fresh(book)
        await looked_at(ctx, book)
        return await book_card(ctx, book, self._cover(book), read_at)

    @command(
        "books",
        N_("Browse every match of a search, page by page."),
        integer("page", N_("Page number"), min_value=1, max_value=100),
        text("query", N_("What to look for"), rest=True, max_length=200),
        aliases=("halaman",),
    )
    async def books(self, ctx: Context, page: int, query: str) -> Reply | list[Reply]:
        return await self._page(ctx, query, page)

    async def _page(self, ctx: Context, query: str, page: int) -> Reply | list[Reply]:
        online = (
            asyncio.ensure_future(self._online(query))
            if page == 1 and self.services.config.openlibrary.enabled
            else None
        )
        results = await search_forgiving(
            self.catalog, query, limit=SHOWN + 1, offset=(page - 1) * SHOWN
        )
        books = results.books[:SHOWN]
        if page == 1 and not books:
            await wanted_missing(ctx, query)
        if not books and page > 1:
            return Reply.of(ctx._("No more matches for “{query}”.").format(query=query))
        if not books:
            local = Reply.of(
                ctx._(
                    "The library has nothing matching “{query}”. Try fewer or other words."
                ).format(query=query)
            )
        elif results.corrected:
            local = self._list(
                ctx,
                results.corrected,
                page,
                books,
                results,
                ctx._("Did you mean “{query}”?").format(query=results.corrected),
            )
        elif len(books) == 1 and page == 1:
            local = await self._card(ctx, books[0])
        else:
            local = self._list(ctx, query, page, books, results)
        if online is None:
            return local
        elsewhere = await self._elsewhere(ctx, online, {b.record.title.casefold() for b in books})
        return [local, elsewhere] if elsewhere else local

    async def _online(self, query: str) -> list[OLBook]:
        return await self.openlibrary.search(query, limit=8, within=ONLINE_WAIT)

    async def _elsewhere(
        self, ctx: Context, online: asyncio.Future[list[OLBook]], ours: set[str]
    ) -> Reply | None:
        """What Open Library knows that the library lacks, marked as not in our library."""
        try:
            found = await online
        except OpenLibraryUnavailable:
            return self._offline(ctx)
        missing = [b for b in found if b.title.casefold() not in ours][:ONLINE_SHOWN]
        if not missing:
            return None
        lines = [
            Text.format(
                "• **{title}**{byline} ({note})",
                title=b.title,
                byline=after_title(", ".join(b.authors[:2]) + (f" ({b.year})" if b.year else "")),
                note=ctx._("not in our library"),
            )
            for b in missing
        ]
        return Reply.of(Text.join(lines, "\n"), title=ctx._("Elsewhere, on Open Library"))

    def _offline(self, ctx: Context) -> Reply | None:
        """The notice that online results are missing: once per member while an outage lasts."""
        outage = self.openlibrary.outage
        if outage is not None:
            seen, told = self._told_offline
            if seen != outage:
                told = set()
                self._told_offline = (outage, told)
            if ctx.member.id in told:
                return None
            told.add(ctx.member.id)
        return Reply.of(ctx._("Online results are unavailable right now."))

    def _cover(self, book: Book) -> str | None:
        cover = book.record.cover
        if not cover:
            return None
        if cover.startswith(("http://", "https://")):
            return cover
        enabled = self.services.config.openlibrary.enabled
        if enabled and cover.startswith("ol:") and cover[3:].isdigit():
            return self.openlibrary.cover_url(int(cover[3:]))
        return None

    def _list(
        self,
        ctx: Context,
        query: str,
        page: int,
        books: list[Book],
        results: Results,
        title: str | None = None,
    ) -> Reply:
        first = (page - 1) * SHOWN + 1
        lines = [summary(ctx, first + i, b) for i, b in enumerate(books)]
        choices = [Choice(label(b), f"/book #{b.id}") for b in books]
        if len(results.books) > SHOWN:
            choices.append(Choice(ctx._("More"), f"/books {page + 1} {query}"))
        return Reply.of(
            Text.join(lines, "\n"),
            title=title or ctx._("Books matching “{query}”").format(query=query),
            choices=choices,
        )

    async def titles(self, ctx: Context, current: str) -> list[Option]:
        if len(current.strip()) < 2:
            return []
        results = await search(self.catalog, current, limit=10)
        return [Option(b.record.title[:100], label(b)) for b in results.books]

    @command(
        "new",
        N_("Books that arrived in the library lately."),
        integer(
            "days", N_("How many days back"), required=False, default=30, min_value=1, max_value=365
        ),
        aliases=("baru",),
    )
    async def new(self, ctx: Context, days: int) -> Reply:
        since = ctx.clock.now() - timedelta(days=days)
        books = await self.catalog.new_arrivals(since, limit=10)
        if not books:
            return Reply.of(
                ctx.ngettext(
                    "No new books in the last {days} day.",
                    "No new books in the last {days} days.",
                    days,
                ).format(days=days)
            )
        lines = [
            Text.format(
                "{line}\n   {arrived}",
                line=summary(ctx, i + 1, b),
                arrived=ctx._("arrived {date}").format(date=long_date(ctx, b.added_at.date())),
            )
            for i, b in enumerate(books)
        ]
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("New in the library"),
            choices=[Choice(label(b), f"/book #{b.id}") for b in books[:5]],
        )
