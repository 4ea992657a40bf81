"""A time a moderator typed for something the bot will do by itself: once ("Jumat jam 19.00",
"next friday 7pm") or repeating ("setiap Jumat jam 19.00", an RRULE). Each feature brings its
own examples and its own words for a repetition it cannot take; a refusal always names what was
typed and shows how to write it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.api.arguments import UserError
from bot.api.commands import N_
from bot.api.context import Context
from bot.api.dates import moment_text
from bot.time.recurrence import (
    Recurrence,
    RecurrenceError,
    is_recurring,
    parse_recurrence,
    rule_parts,
)
from bot.time.when import parse_when

PAST = N_("{date} has already passed. Give a time in the future.")
DateText = Callable[[str, datetime, ZoneInfo], str]


def read_moment(
    ctx: Context, when: str, examples: str, date_text: DateText = moment_text
) -> datetime:
    """One time in the future; `examples` (a msgid with ``{when}``) when it cannot be read."""
    now = ctx.clock.now()
    moment = parse_when(when, now, ctx.timezone)
    if moment is None:
        raise UserError(ctx._(examples).format(when=when[:60]))
    if moment <= now:
        raise UserError(ctx._(PAST).format(date=date_text(ctx.locale, moment, ctx.timezone)))
    return moment


def read_schedule(
    ctx: Context,
    when: str,
    examples: str,
    recurrence_errors: Mapping[str, str],
    date_text: DateText = moment_text,
) -> tuple[datetime, Recurrence | None]:
    """One time in the future, or a repetition and its first time; `recurrence_errors` maps a
    :class:`RecurrenceError` reason to the feature's msgid (``{when}``), else `examples`."""
    if not is_recurring(when):
        return read_moment(ctx, when, examples, date_text), None
    now = ctx.clock.now()
    try:
        recurrence = parse_recurrence(when, now, ctx.timezone)
    except RecurrenceError as error:
        message = recurrence_errors.get(error.reason, examples)
        raise UserError(ctx._(message).format(when=when[:80])) from None
    first = recurrence.start.replace(tzinfo=ctx.timezone)
    return first.astimezone(now.tzinfo), recurrence


_EVERY = {
    "DAILY": N_("every day"),
    "WEEKLY": N_("every week"),
    "MONTHLY": N_("every month"),
    "YEARLY": N_("every year"),
}


def every(rule: str | None) -> str:
    """How often an RRULE repeats, as a msgid ("every week"; "repeating" for the rest)."""
    return _EVERY.get(rule_parts(rule or "").get("FREQ", ""), N_("repeating"))
