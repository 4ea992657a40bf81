"""When an announcement goes out: one time ("Senin jam 08.00", "next friday 7pm") or repeating
("setiap Senin 08.00", an RRULE), read in the community's timezone (bot/api/moments.py) and kept
as wall-clock time, like a series (cogs/series/timing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.api.commands import N_
from bot.api.context import Context
from bot.api.moments import read_schedule

EXAMPLES = N_(
    "I can't read “{when}” as a time. Try for example: Senin jam 08.00, besok pukul 19.00, "
    "next friday 7pm, setiap Senin 08.00, every Friday 7pm."
)
RECURRENCE_ERRORS = {
    "frequency": N_(
        "An announcement repeats at most once a day; “{when}” repeats more often. Try for "
        "example: setiap hari jam 07.00, setiap Senin 08.00."
    ),
    "time": N_("At what time? Add it, e.g. setiap Senin jam 08.00 or every Monday 9am."),
    "ended": N_("“{when}” has no date after now. Try for example: setiap Senin 08.00."),
    "rrule": N_(
        "“{when}” is not a repetition I can use. Try for example: setiap Senin 08.00, "
        "RRULE:FREQ=WEEKLY;BYDAY=MO with a time."
    ),
}


@dataclass(frozen=True, slots=True)
class Timing:
    rule: str | None
    """None: one time."""
    start: datetime
    """The first (or only) time, naive, in the community's wall-clock time."""

    def first_due(self, tz: ZoneInfo) -> datetime:
        return self.start.replace(tzinfo=tz).astimezone(UTC)


def read_timing(ctx: Context, when: str) -> Timing:
    """What a moderator typed; a :class:`~bot.api.arguments.UserError` names what cannot be
    read, with examples."""
    first, recurrence = read_schedule(ctx, when, EXAMPLES, RECURRENCE_ERRORS)
    if recurrence is not None:
        return Timing(recurrence.rule, recurrence.start)
    local = first.astimezone(ctx.timezone)
    return Timing(None, local.replace(tzinfo=None, second=0, microsecond=0))
