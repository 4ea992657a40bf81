"""/stats: how the community took part in the last days, as a chart where the platform shows
images and as a text table elsewhere (the console)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.api.commands import N_, Feature, Permission, command, integer
from bot.api.context import Context
from bot.api.jobs import JobContext, job
from bot.api.posts import PostResponse
from bot.api.replies import Reply
from bot.api.services import Services
from bot.time.clock import utc_text
from cogs.catalog.public import BookLookedAt
from cogs.stats import chart, rollup
from cogs.stats.drawing import Drawing
from cogs.stats.figures import Figures, feature_names, gather
from cogs.stats.public import Responded
from cogs.stats.recent import Recent
from cogs.stats.render import chart_words, summary, table
from cogs.stats.settings import StatsSettings

log = logging.getLogger("pustaka.stats")

DEFAULT_DAYS = 30
MOST_DAYS = 365
ROLLUP = "stats.rollup"
ROLLUP_EVERY = timedelta(hours=6)
DRAW_AHEAD_AFTER = 10.0
"""Seconds after a platform showing images comes up before the drawing process starts: the
bot's start (logging in, the command menus, the catalog) goes first. A chart asked for sooner
starts it itself."""
CATCH_UP_AT_MOST = 100_000
"""Usage rows /stats folds in itself (well under a second); a bigger backlog (the first start
on a database with a long history) is left to the rollup job, which runs soon after start."""


class Stats(Feature):
    name = "stats"
    description = N_("Statistics")
    labels = {"days": N_("parameter:days")}

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        services.events.subscribe(BookLookedAt, self.count_look)
        services.events.subscribe(Responded, self.count_response)
        services.events.subscribe(PostResponse, self.count_post_response)
        self.drawing = Drawing(apart=services.config.section(StatsSettings).chart_process)
        self._ahead: asyncio.Task[None] | None = None
        self.recent = Recent()
        """What the dashboard's statistics page showed lately (cogs/stats/web.py)."""

    async def count_post_response(self, event: PostResponse) -> None:
        """A press on or a reply to a series post or an announcement, seen by the core."""
        tracked = event.post
        await self.count_response(Responded(event.ctx, tracked.post, event.kind, tracked.series))

    async def count_response(self, event: Responded) -> None:
        ctx = event.ctx
        if ctx.community is None:
            return
        await self.services.store.execute(
            "INSERT INTO stats_responses (community_id, at, post, series, kind, member_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                ctx.community.id,
                utc_text(ctx.clock.now()),
                event.post[:200],
                event.series[:200],
                event.kind,
                ctx.member.id,
            ),
        )

    async def count_look(self, event: BookLookedAt) -> None:
        ctx = event.ctx
        if ctx.community is None:
            return
        day = ctx.clock.now().astimezone(ctx.timezone).date().isoformat()
        await self.services.store.execute(
            "INSERT INTO stats_books_looked (community_id, day, book_id, looks)"
            " VALUES (?, ?, ?, 1) ON CONFLICT (community_id, day, book_id) DO UPDATE"
            " SET looks = looks + 1",
            (ctx.community.id, day, event.book.id),
        )

    async def on_start(self) -> None:
        await self._plan_rollup(self.services.clock.now() + timedelta(minutes=1))
        if self.drawing.apart:
            # not one of services.tasks: those are work in hand, which the console waits for
            self._ahead = asyncio.create_task(self._draw_ahead(), name="stats.draw-ahead")

    async def on_stop(self) -> None:
        if self._ahead is not None:
            self._ahead.cancel()
            await asyncio.gather(self._ahead, return_exceptions=True)
        await self.drawing.close()

    async def _draw_ahead(self) -> None:
        """Start the drawing process once a platform that shows images runs."""
        messenger = self.services.messenger
        while not any(messenger.capabilities(name).images for name in messenger.running()):
            await messenger.wait_for_change()
        await asyncio.sleep(DRAW_AHEAD_AFTER)
        try:
            await self.drawing.start()
        except OSError:
            log.exception("could not start the chart drawing process; charts are drawn here")

    async def _plan_rollup(self, due: datetime) -> None:
        await self.services.scheduler.schedule(
            ROLLUP, f"{ROLLUP}:{due.strftime('%Y-%m-%dT%H')}", due
        )

    @job(ROLLUP)
    async def roll_up(self, ctx: JobContext) -> None:
        now = self.services.clock.now()
        await self._plan_rollup(now + ROLLUP_EVERY)
        await rollup.catch_up(self.services.store, self.services.config.bot.tz, now)
        oldest = (now - timedelta(days=MOST_DAYS + 7)).date().isoformat()
        await rollup.forget_member_weeks(self.services.store, oldest)

    async def figures(
        self, circle: tuple[int, ...], days: int, ctx: Context, until: datetime | None = None
    ) -> Figures:
        """The figures of the `days` days up to now, or up to `until` (a range that is over)."""
        store = self.services.store
        now = ctx.clock.now()
        await rollup.catch_up(store, self.services.config.bot.tz, now, most=CATCH_UP_AT_MOST)
        found = await gather(
            store,
            self.services.events,
            circle,
            days=days,
            now=min(until, now) if until else now,
            tz=ctx.timezone,
            features=feature_names(self.services.registry),
            past=until is not None and until < now,
        )
        return replace(found, behind=await rollup.backlog(store))

    @command(
        "stats",
        N_("How members took part: active members per week, features used, when they are active."),
        integer(
            "days",
            N_("How many days back (1 to 365; 30 if left out)"),
            required=False,
            default=DEFAULT_DAYS,
            min_value=1,
            max_value=MOST_DAYS,
        ),
        permission=Permission.MODERATOR,
        aliases=("statistik",),
    )
    async def stats(self, ctx: Context, days: int = DEFAULT_DAYS) -> Reply:
        ctx.require_community()
        figures = await self.figures(ctx.circle, days, ctx)
        title = ctx.ngettext(
            "Statistics: the last {days} day", "Statistics: the last {days} days", days
        ).format(days=days)
        if not ctx.capabilities.images:
            return Reply.of(table(ctx, figures), title=title)
        plan = chart.plan(figures, chart_words(ctx, figures, title), ctx._)
        picture = await self.drawing.draw(plan)
        return Reply.of(
            summary(ctx, figures), title=title, attachment=(file_name(figures), picture)
        )


def file_name(figures: Figures) -> str:
    return f"stats-{figures.since.isoformat()}-{figures.until.isoformat()}.png"
