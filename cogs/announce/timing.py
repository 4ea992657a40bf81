"""When an announcement goes out: one time ("Senin jam 08.00", "next friday 7pm") or repeating
("setiap Senin 08.00", an RRULE), read in the community's timezone and kept as wall-clock time,
like a series (cogs/series/timing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.api.commands import N_
from bot.time.recurrence import RecurrenceError, is_recurring, parse_recurrence
from bot.time.when import parse_when

EXAMPLES = N_(
    "I can't read “{when}” as a time. Try for example: Senin jam 08.00, besok pukul 19.00, "
    "next friday 7pm, setiap Senin 08.00, every Friday 7pm."
)
PAST = N_("“{when}” has already passed. Give a time in the future, e.g. Senin jam 08.00.")
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


class TimingError(ValueError):
    """`message` is the msgid to show, formatted with `when`."""

    def __init__(self, message: str, when: str) -> None:
        super().__init__(message)
        self.message = message
        self.when = when


def read_timing(when: str, now: datetime, tz: ZoneInfo) -> Timing:
    """What a moderator typed; raises :class:`TimingError`."""
    shown = " ".join(when.split())[:80]
    if is_recurring(when):
        try:
            recurrence = parse_recurrence(when, now, tz)
        except RecurrenceError as error:
            raise TimingError(RECURRENCE_ERRORS.get(error.reason, EXAMPLES), shown) from None
        return Timing(recurrence.rule, recurrence.start)
    moment = parse_when(when, now, tz)
    if moment is None:
        raise TimingError(EXAMPLES, shown)
    if moment <= now:
        raise TimingError(PAST, shown)
    return Timing(None, moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0))
