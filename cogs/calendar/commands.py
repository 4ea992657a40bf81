"""/calendar: what the bot will post for this community in the coming weeks, and moving,
pausing, resuming or cancelling one item by its number.

The calendar knows no other feature: the scheduler lists the pending jobs and the registry asks
the feature that owns each job's kind to describe it (``describe_job``); a job no feature
describes for this community's circle is neither listed nor touched."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby

from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, choice, command, integer, text
from bot.api.context import Context
from bot.api.dates import clock_text, moment_text, weekday_date
from bot.api.moments import read_moment
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.text import Text
from bot.time.recurrence import is_recurring
from cogs.calendar import listing
from cogs.calendar.circle import circle_of
from cogs.calendar.listing import Item

DEFAULT_WEEKS = 2
MOST_WEEKS = 52
WHEN_EXAMPLES = N_(
    "I can't read “{when}” as a date. Try for example: besok jam 19.00, "
    "Sabtu depan pukul 10 pagi, next friday 7pm, 2026-12-05 14:00."
)
YES = ("yes", "ya", "y", "iya", "confirm")


class Calendar(Feature):
    name = "calendar"
    description = N_("Content calendar")
    labels = {
        "confirm": N_("parameter:confirm"),
        "id": N_("parameter:id"),
        "page": N_("parameter:page"),
        "weeks": N_("parameter:weeks"),
        "when": N_("parameter:when"),
    }

    @command(
        "calendar show",
        N_("Everything the bot will post here in the coming weeks, with each item's number."),
        integer(
            "weeks",
            N_("How many weeks ahead (1 to 52; 2 if left out)"),
            required=False,
            default=DEFAULT_WEEKS,
            min_value=1,
            max_value=MOST_WEEKS,
        ),
        integer(
            "page", N_("Which page of a long calendar"), required=False, default=1, min_value=1
        ),
        permission=Permission.MODERATOR,
        aliases=("calendar", "kalender", "kalender lihat"),
    )
    async def show(self, ctx: Context, weeks: int = DEFAULT_WEEKS, page: int = 1) -> Reply:
        ctx.require_community()
        until = ctx.clock.now() + timedelta(weeks=weeks)
        found = await listing.page(self.services, ctx, circle_of(ctx), until, page)
        span = ctx.ngettext("the next {weeks} week", "the next {weeks} weeks", weeks).format(
            weeks=weeks
        )
        title = ctx._("Calendar: {span}").format(span=span)
        if not found.items:
            if page > 1:
                message = ctx._("The calendar for {span} has no page {page}.")
            else:
                message = ctx._("Nothing is scheduled for {span}.")
            return Reply.of(message.format(span=span, page=page), title=title)
        choices = []
        footer = ctx._(
            "Change an item with its number: /calendar move <number> <when>, "
            "/calendar pause <number>, /calendar resume <number>, /calendar cancel <number>."
        )
        if found.more:
            following = f"/calendar {weeks} {page + 1}"
            choices.append(Choice(ctx._("More"), following))
            footer = (
                ctx._("Page {page}; the next one: {command}.").format(page=page, command=following)
                + " "
                + footer
            )
        return Reply.of(_lines(ctx, found.items), title=title, footer=footer, choices=choices)

    @command(
        "calendar move",
        N_("Give one scheduled item another time (a repeating one: only this time)."),
        integer("id", N_("The item's number in /calendar"), min_value=1),
        text(
            "when",
            N_('The new time, e.g. "Jumat jam 19.00", "besok 08.00" or "next monday 9am"'),
            rest=True,
            time=True,
            max_length=100,
        ),
        permission=Permission.MODERATOR,
        aliases=("kalender pindah",),
    )
    async def move(self, ctx: Context, id: int, when: str) -> Reply:
        found = await self._item(ctx, id)
        moment = _read_time(ctx, when)
        if not await self.services.scheduler.move(id, moment):
            raise _gone(ctx, id)
        return Reply.of(
            Text.format(
                ctx._("Moved #{id} to {date}: {what}"),
                id=id,
                date=moment_text(ctx.locale, moment, ctx.timezone),
                what=found.line,
            )
        )

    @command(
        "calendar pause",
        N_("Hold one scheduled item: it is not posted until resumed."),
        integer("id", N_("The item's number in /calendar"), min_value=1),
        permission=Permission.MODERATOR,
        aliases=("kalender jeda",),
    )
    async def pause(self, ctx: Context, id: int) -> Reply:
        found = await self._item(ctx, id)
        if found.job.paused:
            raise UserError(ctx._("#{id} is already paused.").format(id=id))
        if not await self.services.scheduler.pause(id):
            raise _gone(ctx, id)
        return Reply.of(
            Text.format(
                ctx._("Paused #{id}: {what}. /calendar resume {id} lets it go out again."),
                id=id,
                what=found.line,
            )
        )

    @command(
        "calendar resume",
        N_("Let a paused item go out at its time again."),
        integer("id", N_("The item's number in /calendar"), min_value=1),
        permission=Permission.MODERATOR,
        aliases=("kalender lanjut",),
    )
    async def resume(self, ctx: Context, id: int) -> Reply:
        found = await self._item(ctx, id)
        if not found.job.paused:
            raise UserError(ctx._("#{id} is not paused.").format(id=id))
        now = ctx.clock.now()
        if found.job.due_at <= now:
            raise UserError(
                ctx._(
                    "The time of #{id} ({date}) passed while it was paused: give it a new one "
                    "first with /calendar move {id} <when>, then resume it."
                ).format(id=id, date=moment_text(ctx.locale, found.job.due_at, ctx.timezone))
            )
        if not await self.services.scheduler.resume(id):
            raise _gone(ctx, id)
        return Reply.of(
            Text.format(
                ctx._("Resumed #{id}: it goes out on {date}. {what}"),
                id=id,
                date=moment_text(ctx.locale, found.job.due_at, ctx.timezone),
                what=found.line,
            )
        )

    @command(
        "calendar cancel",
        N_("Cancel one scheduled item (a repeating one: only this time); you confirm first."),
        integer("id", N_("The item's number in /calendar"), min_value=1),
        choice(
            "confirm",
            N_("yes, to cancel without asking"),
            [("yes", N_("yes"))],
            required=False,
            synonyms={"yes": YES},
        ),
        permission=Permission.MODERATOR,
        aliases=("kalender batal",),
    )
    async def cancel(self, ctx: Context, id: int, confirm: str | None = None) -> Reply:
        found = await self._item(ctx, id)
        when = moment_text(ctx.locale, found.job.due_at, ctx.timezone)
        if confirm != "yes":
            return Reply.of(
                Text.format(
                    ctx._("Cancel #{id} ({date}): {what}?"), id=id, date=when, what=found.line
                ),
                choices=[
                    Choice(ctx._("Cancel it"), f"/calendar cancel {id} yes", ChoiceStyle.DANGER),
                    Choice(ctx._("Keep it"), "/calendar"),
                ],
                footer=ctx._("Or type /calendar cancel {id} yes").format(id=id),
            )
        if not await self.services.scheduler.cancel_job(id):
            raise _gone(ctx, id)
        return Reply.of(
            Text.format(
                ctx._("Cancelled #{id} ({date}): {what}"), id=id, date=when, what=found.line
            )
        )

    async def _item(self, ctx: Context, id: int) -> Item:
        ctx.require_community()
        found = await listing.item(self.services, ctx, circle_of(ctx), id)
        if found is None:
            raise _gone(ctx, id)
        return found


def _lines(ctx: Context, items: list[Item]) -> Text:
    """Grouped by local day: the day in bold, then each item's number, time and line."""
    paused = ctx._("paused")
    parts: list[Text] = []
    for day, group in groupby(items, key=lambda i: i.job.due_at.astimezone(ctx.timezone).date()):
        parts.append(Text.format("**{day}**", day=weekday_date(ctx.locale, day)))
        for found in group:
            at = clock_text(
                ctx.locale, found.job.due_at.astimezone(ctx.timezone).time(), ctx.timezone
            )
            if found.job.paused:
                parts.append(
                    Text.format(
                        "`#{id}` {at} — {what} ⏸ __{paused}__",
                        id=found.job.id,
                        at=at,
                        what=found.line,
                        paused=paused,
                    )
                )
            else:
                parts.append(
                    Text.format("`#{id}` {at} — {what}", id=found.job.id, at=at, what=found.line)
                )
    return Text.join(parts, "\n")


def _read_time(ctx: Context, when: str) -> datetime:
    """One time in the future, from what a moderator typed; a clear refusal otherwise."""
    if is_recurring(when):
        raise UserError(
            ctx._(
                "Give one time to move this item to, e.g. Jumat jam 19.00; a repeating item "
                "keeps its repetition and only this time moves."
            )
        )
    return read_moment(ctx, when, WHEN_EXAMPLES)


def _gone(ctx: Context, id: int) -> UserError:
    return UserError(
        ctx._(
            "There is no scheduled item #{id} for this community (it may have gone out or been "
            "cancelled). /calendar lists them with their numbers."
        ).format(id=id)
    )
