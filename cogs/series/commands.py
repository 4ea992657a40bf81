"""/series: automatic posts a moderator switches on once — a weekly theme recommendation, the
book of the day, a digest of new arrivals, reading days, a monthly summary.

Each series is one row (cogs/series/store.py) and one pending job in the durable scheduler at a
time: the job of an occurrence plans the next one before it posts, and every start plans the
next occurrence of each series again (the keys make that a no-op when it is planned), so a
series outlives restarts and an occurrence missed beyond the grace rule. A job key carries the
series' revision: a new time, off or on again takes the next one, and a job of an older
revision does nothing. Posts go out with ``send_once`` keyed by the occurrence and the home, so
each home gets each occurrence once, even when a post is retried or the time moved that day.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.api import dates, identity, moments
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, choice, command, text
from bot.api.community import circle
from bot.api.context import Context
from bot.api.jobs import JobContext, job
from bot.api.posts import Tracked
from bot.api.replies import Choice, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.catalog.store import Catalog
from bot.storage.scheduler import Job, NotDelivered
from cogs.catalog.public import cover_url
from cogs.recommend.public import Themes, book_of_the_day, load_themes, theme_picks
from cogs.series import posts
from cogs.series.homes import homes
from cogs.series.reading_days import ReadingDays, bundled_days
from cogs.series.settings import SeriesSettings
from cogs.series.store import Series, SeriesStore, Shown
from cogs.series.summary import month_summary
from cogs.series.timing import (
    KIND_NAMES,
    KIND_WORDS,
    KINDS,
    Occurrence,
    Timing,
    TimingError,
    default_timing,
    next_occurrence,
    read_timing,
)
from cogs.stats.public import busiest_hour

log = logging.getLogger("pustaka.series")

POST = "series.post"
Render = Callable[[JobContext], Reply]
"""A post in one language: built once per home and language from what the occurrence shows."""
DRAWN = 4  # books drawn a wanted one, so those on the shelf can come first

KIND = choice(
    "kind",
    N_("Which series"),
    [(kind, KIND_NAMES[kind]) for kind in KINDS],
    synonyms=KIND_WORDS,
)
WHEN = text(
    "when",
    N_('When it posts, e.g. "Senin jam 08.00" or "setiap hari jam 7"'),
    required=False,
    rest=True,
    max_length=200,
)


class SeriesFeature(Feature):
    name = "series"
    description = N_("Automatic series")
    labels = {
        "kind": N_("parameter:kind"),
        "when": N_("parameter:when"),
        "switch": N_("parameter:switch"),
    }

    def __init__(
        self,
        services: Services,
        rng: random.Random | None = None,
        themes: Themes | None = None,
        days: ReadingDays | None = None,
    ) -> None:
        super().__init__(services)
        self.series = SeriesStore(services.store)
        self.catalog = Catalog(services.store, services.clock)
        self.random = rng or random.Random()
        self.themes = themes or load_themes()
        self.days = days or bundled_days()
        self.settings = services.config.section(SeriesSettings)

    async def on_start(self) -> None:
        for series in await self.series.enabled():
            await self._plan(series)

    async def on_timezone_changed(self, community_id: int) -> None:
        for series in await self.series.of_community(community_id):
            if series.enabled:
                await self._replan(await self.series.next_revision(series))

    # commands ---------------------------------------------------------------------------

    @command(
        "series list",
        N_("The automatic series: which are on, when each posts next, which can be switched on."),
        permission=Permission.MODERATOR,
        aliases=("seri daftar",),
    )
    async def overview(self, ctx: Context) -> Reply:
        community = ctx.require_community()
        found = await self._in_circle(community.id)
        lines: list[Text | str] = []
        for kind in KINDS:
            series = found.get(kind)
            name = ctx._(KIND_NAMES[kind])
            if series is None:
                lines.append(
                    Text.format(
                        ctx._("○ **{name}** — off: /series on {kind}"), name=name, kind=kind
                    )
                )
                continue
            when = await self._when(ctx, series)
            if series.community_id != community.id:
                when = ctx._("{when} (switched on in {community})").format(
                    when=when, community=await self._community_name(series.community_id)
                )
            lines.append(Text.format(ctx._("● **{name}** — {when}"), name=name, when=when))
        bilingual = await self.series.bilingual(community.id)
        lines.append(
            ctx._("Posts in Indonesian and English (/series bilingual off).")
            if bilingual
            else ctx._("Posts in the community's language (/series bilingual on for both).")
        )
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("Automatic series"),
            choices=[
                Choice(ctx._(KIND_NAMES[kind]), f"/series on {kind}")
                for kind in KINDS
                if kind not in found
            ],
        )

    @command(
        "series on",
        N_("Switch a series on, at a time you choose or at its usual time."),
        KIND,
        WHEN,
        permission=Permission.MODERATOR,
        aliases=("seri nyala", "seri aktifkan"),
    )
    async def on(self, ctx: Context, kind: str, when: str | None) -> Reply:
        community = ctx.require_community()
        elsewhere = (await self._in_circle(community.id)).get(kind)
        if elsewhere is not None and elsewhere.community_id != community.id:
            raise UserError(
                sentence(
                    ctx._(
                        "The {name} is already on for the linked community {community}, and"
                        " posts to every home: switch it off there first to move it here."
                    ).format(
                        name=ctx._(KIND_NAMES[kind]),
                        community=await self._community_name(elsewhere.community_id),
                    )
                )
            )
        timing = await self._timing(ctx, kind, when, ctx.timezone)
        mark = await self._newest_added() if kind == "arrivals" else None
        series = await self.series.switch_on(
            community.id, kind, timing.rule, timing.start, ctx.channel, mark
        )
        await self._replan(series)
        text = sentence(
            ctx._("{name} is on: {when}").format(
                name=ctx._(KIND_NAMES[kind]), when=await self._when(ctx, series)
            )
        )
        if when is None and kind in ("weekly", "daily", "monthly"):
            text += "\n" + ctx._("Change the time with /series time {kind} <when>.").format(
                kind=kind
            )
        return Reply.of(text)

    @command(
        "series off",
        N_("Switch a series off; nothing more of it is posted."),
        KIND,
        permission=Permission.MODERATOR,
        aliases=("seri mati", "seri matikan"),
    )
    async def off(self, ctx: Context, kind: str) -> Reply:
        community = ctx.require_community()
        name = ctx._(KIND_NAMES[kind])
        series = (await self._in_circle(community.id)).get(kind)
        if series is None or not await self.series.switch_off(series.community_id, kind):
            return Reply.of(sentence(ctx._("The {name} is not on.").format(name=name)))
        await self.services.scheduler.cancel(f"series:{series.community_id}:{kind}:")
        return Reply.of(sentence(ctx._("The {name} is off.").format(name=name)))

    @command(
        "series time",
        N_("Change when a series posts."),
        KIND,
        text(
            "when",
            N_('When it posts, e.g. "Senin jam 08.00" or "setiap hari jam 7"'),
            rest=True,
            max_length=200,
        ),
        permission=Permission.MODERATOR,
        aliases=("seri waktu", "seri jam"),
    )
    async def time(self, ctx: Context, kind: str, when: str) -> Reply:
        community = ctx.require_community()
        series = (await self._in_circle(community.id)).get(kind)
        name = ctx._(KIND_NAMES[kind])
        if series is None:
            raise UserError(
                sentence(
                    ctx._(
                        "The {name} is not on. Switch it on with /series on {kind} {when}."
                    ).format(name=name, kind=kind, when=when[:80])
                )
            )
        timing = await self._timing(ctx, kind, when, await self._timezone(series.community_id))
        series = await self.series.retime(series, timing.rule, timing.start)
        await self._replan(series)
        return Reply.of(
            sentence(ctx._("{name}: {when}").format(name=name, when=await self._when(ctx, series)))
        )

    @command(
        "series bilingual",
        N_("Post the series in Indonesian and English, or only in the community's language."),
        choice(
            "switch",
            N_("on: both languages; off: the community's language"),
            [("on", N_("on")), ("off", N_("off"))],
            synonyms={"on": ("nyala", "ya", "yes"), "off": ("mati", "tidak", "no")},
        ),
        permission=Permission.MODERATOR,
        aliases=("seri dwibahasa",),
    )
    async def bilingual(self, ctx: Context, switch: str) -> Reply:
        community = ctx.require_community()
        for member in await circle(self.services.store, community.id):
            await self.series.set_bilingual(member, switch == "on")
        if switch == "on":
            return Reply.of(ctx._("The series are posted in Indonesian and English."))
        return Reply.of(ctx._("The series are posted in the community's language."))

    async def _in_circle(self, community_id: int) -> dict[str, Series]:
        """The series switched on in the community's circle, by kind: linked communities share
        them, since each posts to every home."""
        found: dict[str, Series] = {}
        for member in await circle(self.services.store, community_id):
            for series in await self.series.of_community(member):
                if series.enabled:
                    found.setdefault(series.kind, series)
        return found

    async def _community_name(self, community_id: int) -> str:
        found = await identity.community(self.services.store, community_id)
        return found.name if found and found.name else f"#{community_id}"

    # timing -----------------------------------------------------------------------------

    async def _timing(self, ctx: Context, kind: str, when: str | None, tz: ZoneInfo) -> Timing:
        now = ctx.clock.now()
        if not when or not when.strip():
            hour = await busiest_hour(self.services.store, ctx.circle, now, tz)
            return default_timing(kind, now, tz, hour)
        try:
            return read_timing(kind, when, now, tz)
        except TimingError as error:
            raise UserError(ctx._(error.message).format(**error.values)) from None

    async def _when(self, ctx: Context | JobContext, series: Series) -> str:
        """How often and when next: "weekly; next: Senin, 7 Desember 2026, 09.00 WIB"."""
        tz = await self._timezone(series.community_id)
        upcoming = self._next(series, tz)
        if series.kind == "arrivals" and series.rule is None:
            return ctx._("after each catalog import (checked every {minutes} minutes)").format(
                minutes=self.settings.arrivals_check_minutes
            )
        if series.kind == "days":
            every = ctx._("on each reading day at {time}").format(
                time=dates.clock_text(ctx.locale, series.start.time(), tz)
            )
        else:
            every = ctx._(moments.every(series.rule))
        if upcoming is None:
            return every
        return ctx._("{every}; next: {date}").format(
            every=every, date=dates.moment_text(ctx.locale, upcoming.due, tz)
        )

    def _next(self, series: Series, tz: ZoneInfo) -> Occurrence | None:
        return next_occurrence(
            series,
            self.services.clock.now(),
            tz,
            self.days,
            self.settings.arrivals_check_minutes,
        )

    async def _timezone(self, community_id: int) -> ZoneInfo:
        community = await identity.community(self.services.store, community_id)
        return identity.resolve_timezone(community, self.services.config.bot.tz)

    # planning ---------------------------------------------------------------------------

    async def _plan(self, series: Series, after_due: Job | None = None) -> None:
        """Schedule the series' next occurrence (after now, or after the job that runs)."""
        now = self.services.clock.now()
        after = max(now, after_due.due_at) if after_due else now
        tz = await self._timezone(series.community_id)
        found = next_occurrence(series, after, tz, self.days, self.settings.arrivals_check_minutes)
        if found is None:
            return
        await self.services.scheduler.schedule(
            POST,
            f"series:{series.community_id}:{series.kind}:r{series.revision}:{found.key}",
            found.due,
            {
                "community": series.community_id,
                "kind": series.kind,
                "revision": series.revision,
                "occurrence": found.key,
            },
        )

    async def _replan(self, series: Series) -> None:
        await self.services.scheduler.cancel(f"series:{series.community_id}:{series.kind}:")
        await self._plan(series)

    async def _newest_added(self) -> str:
        return await self.services.store.fetchval("SELECT max(added_at) FROM books") or ""

    # posting ----------------------------------------------------------------------------

    @job(POST)
    async def post(self, ctx: JobContext) -> None:
        assert ctx.job is not None
        payload = ctx.payload
        series = await self.series.get(payload["community"], payload["kind"])
        if series is None or not series.enabled or series.revision != payload["revision"]:
            return
        await self._plan(series, ctx.job)
        own = await ctx.for_community(series.community_id)
        occurrence = payload["occurrence"]
        day = ctx.job.due_at.astimezone(own.timezone).date()
        key = f"series:{series.community_id}:{series.kind}:{occurrence}"
        render: Render | None
        if series.kind == "weekly":
            render = await self._weekly(series, occurrence, day, own.locale)
        elif series.kind == "daily":
            render = await self._daily(series, day)
        elif series.kind == "arrivals":
            await self._arrivals(ctx, series)
            return
        elif series.kind == "days":
            render = self._reading_day(day)
        else:
            render = await month_summary(
                self.services.store, series.community_id, day, own.timezone
            )
        if render is not None:
            await self._send(ctx, series, key, render, day)

    async def _rooms(self, ctx: JobContext, community_id: int) -> list[JobContext]:
        """The community's language, and the other one after it where it is bilingual."""
        room = await ctx.for_community(community_id)
        if not await self.series.bilingual(community_id):
            return [room]
        other = "en" if room.locale == "id" else "id"
        return [
            room,
            replace(room, locale=other, translations=self.services.i18n.translations(other)),
        ]

    async def _send(
        self, ctx: JobContext, series: Series, key: str, render: Render, day: date
    ) -> None:
        """Post to every home, each in its own community's language (both where it is
        bilingual); one that fails does not stop the others (the job is retried and the homes
        that got it are skipped). Presses and replies count for the post (`_tracked`)."""
        tracked = await self._tracked(ctx, series, render, day)
        failed: NotDelivered | None = None
        for community_id, home in await homes(
            self.services.store, series.community_id, series.channel
        ):
            rooms = await self._rooms(ctx, community_id)
            replies = (replace(render(room), tracked=tracked) for room in rooms)
            try:
                await rooms[0].send_once(f"{key}:{home.key()}", *replies, to=home)
            except NotDelivered as error:
                failed = error
        if failed is not None:
            raise failed

    async def _tracked(self, ctx: JobContext, series: Series, render: Render, day: date) -> Tracked:
        """The post's name in statistics: its title and day in the series' own community's
        language, the same for every home and language it goes to."""
        own = await ctx.for_community(series.community_id)
        title = render(own).title or own._(KIND_NAMES[series.kind])
        return Tracked(
            own._("{post}, {day}").format(post=title, day=dates.short_date(own.locale, day)),
            sentence(own._(KIND_NAMES[series.kind])),
        )

    async def _weekly(
        self, series: Series, occurrence: str, day: date, locale: str
    ) -> Render | None:
        shown = await self.series.shown(series, occurrence)
        if shown is None:
            picked = await self._pick(series, day, locale)
            if picked is None:
                log.warning("weekly recommendation: no theme has books to recommend")
                return None
            shown, cursor = picked
            await self.series.remember(series, occurrence, day, shown, cursor)
        theme = next((t for t in self.themes.all if t.key == shown.theme), None)
        books = await self.catalog.books(list(shown.book_ids))
        if theme is None or not books:
            return None
        return lambda room: posts.weekly(room, theme.name(room.locale), books)

    async def _pick(self, series: Series, day: date, locale: str) -> tuple[Shown, int] | None:
        """The next theme in the rotation that has books not shown within `repeat_weeks`, and
        its books, those on the shelf first."""
        count = self.settings.books_per_post
        recent = await self.series.recent_books(
            series, day - timedelta(weeks=self.settings.repeat_weeks)
        )
        themes = self.themes.all
        for step in range(len(themes)):
            place = (series.cursor + step) % len(themes)
            picks = await theme_picks(
                self.services.store,
                themes[place],
                self.random,
                count=count * DRAWN,
                language=locale,
                exclude=recent,
            )
            if picks:
                picks.sort(key=lambda book: book.available == 0)
                chosen = tuple(book.id for book in picks[:count])
                return Shown(themes[place].key, chosen), place + 1
        return None

    async def _daily(self, series: Series, day: date) -> Render | None:
        book = await book_of_the_day(self.catalog, f"community:{series.community_id}", day)
        if book is None:
            return None
        cover = cover_url(self.services.config, book)
        return lambda room: posts.daily(room, book, cover)

    async def _arrivals(self, ctx: JobContext, series: Series) -> None:
        """The books added since the last digest, if any; the mark moves on once posted."""
        store = self.services.store
        mark = series.mark or ""
        total = int(await store.fetchval("SELECT count(*) FROM books WHERE added_at > ?", (mark,)))
        if total == 0:
            return
        rows = await store.fetchall(
            "SELECT id, added_at FROM books WHERE added_at > ?"
            " ORDER BY added_at DESC, id DESC LIMIT ?",
            (mark, posts.SHOWN_ARRIVALS),
        )
        newest = max(row[1] for row in rows)
        books = await self.catalog.books([row[0] for row in rows])
        cover = next(
            (url for book in books if (url := cover_url(self.services.config, book))), None
        )
        assert ctx.job is not None
        own = await ctx.for_community(series.community_id)
        await self._send(
            ctx,
            series,
            f"series:{series.community_id}:arrivals:{newest}",
            lambda room: posts.arrivals(room, books, total, cover),
            ctx.job.due_at.astimezone(own.timezone).date(),
        )
        await self.series.set_mark(series, newest)

    def _reading_day(self, day: date) -> Render | None:
        found = next((d for d in self.days.all if (d.month, d.day) == (day.month, day.day)), None)
        if found is None:
            return None
        return lambda room: posts.reading_day(room, found)

    # the calendar -----------------------------------------------------------------------

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """One line for /calendar: which series posts, and where."""
        payload = job.payload
        if payload.get("community") not in circle:
            return None
        series = await self.series.get(payload["community"], payload["kind"])
        if series is None or not series.enabled or series.revision != payload.get("revision"):
            return None
        name = ctx._(KIND_NAMES[series.kind])
        if series.kind == "arrivals":
            return ctx._(
                "Series: {name}, to every home of the community, if the catalog has new books"
            ).format(name=name)
        return ctx._("Series: {name}, to every home of the community").format(name=name)


def sentence(text: str) -> str:
    """The text with its first letter a capital: a series' name starts some sentences."""
    return text[:1].upper() + text[1:]
