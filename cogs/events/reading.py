"""What moderators and members type about events: times, repeating times, dates of a series
and reminder offsets, read into values or refused with a clear message in their language."""

from __future__ import annotations

from datetime import date, datetime

from bot.api.arguments import UserError
from bot.api.commands import N_
from bot.api.context import Context
from bot.api.moments import read_schedule
from bot.time.recurrence import Recurrence
from bot.time.when import parse_when
from cogs.events.formatting import (
    LONGEST_OFFSET,
    MAX_OFFSETS,
    OffsetError,
    date_text,
    day_text,
    duration_text,
    parse_offsets,
    repeat_text,
)

WHEN_EXAMPLES = N_(
    "I can't read “{when}” as a date. Try for example: besok jam 19.00, "
    "Sabtu depan pukul 10 pagi, next friday 7pm, 2026-12-05 14:00, "
    "setiap Sabtu 10.00, every Friday 7pm."
)
RECURRENCE_ERRORS = {
    "rrule": N_(
        "I can't read the RRULE in “{when}”. Write it as RFC 5545 says, with a start, e.g. "
        "RRULE:FREQ=WEEKLY;BYDAY=SA 2026-12-05 10:00."
    ),
    "frequency": N_(
        "Events can repeat at most once a day; “{when}” repeats more often. "
        "Use DAILY, WEEKLY, MONTHLY or YEARLY."
    ),
    "start": N_(
        "An RRULE needs its first date and time after it, e.g. "
        "RRULE:FREQ=WEEKLY;BYDAY=SA 2026-12-05 10:00."
    ),
    "time": N_(
        "At what time? Add it to the repetition, e.g. setiap Sabtu 10.00 or every Friday 7pm."
    ),
    "ended": N_("“{when}” has no date after now."),
    "unreadable": N_(
        "I can't read “{when}” as a repeating time. Try for example: setiap Sabtu 10.00, "
        "setiap Jumat pukul 19.00, setiap tanggal 5 jam 19.00, every Friday 7pm, every day 8am, "
        "or an RRULE such as RRULE:FREQ=WEEKLY;BYDAY=SA 2026-12-05 10:00."
    ),
}
OFFSET_ERRORS = {
    "unreadable": N_(
        "I can't read “{offsets}” as times before the event. Write them like 24h 1h, "
        "2d 30m or 1 hari 2 jam."
    ),
    "count": N_("Give at most {count} reminder times."),
    "range": N_("Each reminder time must be between 1 minute and {longest}."),
}


def read_when(ctx: Context, when: str) -> tuple[datetime, Recurrence | None]:
    """A single time or a series from what a moderator typed; a clear refusal otherwise."""
    return read_schedule(ctx, when, WHEN_EXAMPLES, RECURRENCE_ERRORS, date_text)


def when_text(ctx: Context, starts: datetime, recurrence: Recurrence | None) -> str:
    """How the echo before saving says when: with "tomorrow", or the repetition and its start."""
    if recurrence is not None:
        return ctx._("{repeats}, first on {date}").format(
            repeats=repeat_text(ctx._, ctx.locale, recurrence, ctx.timezone),
            date=day_text(ctx.locale, starts, ctx.timezone),
        )
    shown = date_text(ctx.locale, starts, ctx.timezone)
    today = ctx.clock.now().astimezone(ctx.timezone).date()
    days = (starts.astimezone(ctx.timezone).date() - today).days
    relative = {0: ctx._("today"), 1: ctx._("tomorrow")}.get(days)
    if relative:
        shown += f" ({relative})"
    return ctx._("on {date}").format(date=shown)


def read_day(ctx: Context, wanted: str) -> date:
    """A date of a series: 2026-12-12, or as members say it ("Sabtu depan", "12 Desember")."""
    try:
        return date.fromisoformat(wanted.strip())
    except ValueError:
        pass
    moment = parse_when(wanted, ctx.clock.now(), ctx.timezone)
    if moment is None:
        raise UserError(
            ctx._("I can't read “{date}” as a date. Write it like 2026-12-12.").format(
                date=wanted[:40]
            )
        )
    return moment.astimezone(ctx.timezone).date()


def read_offsets(ctx: Context, offsets: str) -> tuple[int, ...]:
    try:
        return parse_offsets(offsets)
    except OffsetError as error:
        raise UserError(
            ctx._(OFFSET_ERRORS[error.reason]).format(
                offsets=offsets[:60],
                count=MAX_OFFSETS,
                longest=duration_text(LONGEST_OFFSET, ctx.locale),
            )
        ) from None
