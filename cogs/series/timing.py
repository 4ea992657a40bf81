"""When each series posts: the kinds' default times, what a moderator types read into a
repetition, and the next occurrence of a series.

A series keeps an RRULE and its first occurrence in the community's wall-clock time, like a
repeating event (bot/time/recurrence.py), so it keeps its local time when the timezone changes.
Two kinds have their own timing: the reading days post on the dates of the bundled file at the
series' time of day, and the new-arrivals digest without a time checks the catalog every
``[series] arrivals_check_minutes`` on a fixed grid (so planning twice finds the same check).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.api.commands import N_
from bot.time.recurrence import Recurrence, RecurrenceError, is_recurring, parse_recurrence
from bot.time.when import parse_when
from cogs.series.reading_days import ReadingDays
from cogs.series.store import Series

KINDS = ("weekly", "daily", "arrivals", "days", "monthly")
KIND_NAMES = {
    "weekly": N_("weekly recommendation"),
    "daily": N_("book of the day"),
    "arrivals": N_("new-arrivals digest"),
    "days": N_("reading days"),
    "monthly": N_("this month in the library"),
}
KIND_WORDS = {
    "weekly": ("mingguan", "rekomendasi", "recommendation", "tema", "theme"),
    "daily": ("harian", "hari-ini", "today", "book-of-the-day"),
    "arrivals": ("baru", "new", "koleksi-baru", "digest"),
    "days": ("hari-baca", "hari", "reading-days"),
    "monthly": ("bulanan", "ringkasan", "summary"),
}
# The kinds' own repetition when a moderator gives one moment ("Senin jam 08.00").
FREQUENCY = {"weekly": "WEEKLY", "daily": "DAILY", "arrivals": "WEEKLY", "monthly": "MONTHLY"}
# Sensible times when none is given, in the community's wall-clock time; the hour is the
# members' busiest (cogs/stats/public.py) once the bot has seen them use it.
DEFAULT_TIMES = {
    "weekly": "setiap Senin jam 09.00",
    "daily": "setiap hari jam 07.00",
    "monthly": "setiap tanggal 1 jam 09.00",
}
DEFAULT_DAY_TIME = time(8, 0)
# The time of day a repetition without one takes ("setiap Senin").
DEFAULT_HOURS = {"weekly": "09.00", "daily": "07.00", "arrivals": "09.00", "monthly": "09.00"}


@dataclass(frozen=True, slots=True)
class Timing:
    rule: str | None
    start: datetime
    """Naive, the community's wall-clock time."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    key: str
    """The local date (a check of the digest: its UTC minute)."""
    due: datetime


class TimingError(ValueError):
    """What a moderator typed is no time for this series; `message` is the msgid to show."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.message = message
        self.values = values


WHEN_EXAMPLES = N_(
    "I can't read “{when}” as a time. Try for example: Senin jam 08.00, setiap hari jam 7, "
    "setiap Jumat pukul 19.00, every Monday 9am, setiap tanggal 1 jam 09.00."
)
PAST = N_("“{when}” has already passed. Give a time in the future, e.g. Senin jam 08.00.")
RECURRENCE_ERRORS = {
    "frequency": N_(
        "A series posts at most once a day; “{when}” repeats more often. Try for example: "
        "setiap hari jam 7, every Monday 9am."
    ),
    "time": N_("At what time? Add it, e.g. setiap Senin jam 08.00 or every Monday 9am."),
    "ended": N_("“{when}” has no date after now."),
}


def default_timing(kind: str, now: datetime, tz: ZoneInfo, hour: int | None = None) -> Timing:
    """The kind's usual timing; at `hour` (the members' busiest) when one is given."""
    if kind in DEFAULT_TIMES:
        said = DEFAULT_TIMES[kind]
        if hour is not None:
            said = f"{said.rsplit(' jam ', 1)[0]} jam {hour:02d}.00"
        recurrence = parse_recurrence(said, now, tz)
        return Timing(recurrence.rule, recurrence.start)
    local = now.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    at = DEFAULT_DAY_TIME if hour is None else time(hour)
    return Timing(None, datetime.combine(local.date(), at))


def read_timing(kind: str, when: str, now: datetime, tz: ZoneInfo) -> Timing:
    """What a moderator typed for `kind`; raises :class:`TimingError`."""
    shown = when.strip()[:80]
    if is_recurring(when):
        try:
            recurrence = _recurrence(kind, when, now, tz)
        except RecurrenceError as error:
            raise TimingError(
                RECURRENCE_ERRORS.get(error.reason, WHEN_EXAMPLES), when=shown
            ) from None
        if kind == "days":
            return Timing(None, recurrence.start)
        return Timing(recurrence.rule, recurrence.start)
    moment = parse_when(when, now, tz)
    if moment is None:
        raise TimingError(WHEN_EXAMPLES, when=shown)
    if moment <= now:
        raise TimingError(PAST, when=shown)
    start = moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    if kind == "days":
        return Timing(None, start)
    return Timing(f"FREQ={FREQUENCY[kind]}", start)


def _recurrence(kind: str, when: str, now: datetime, tz: ZoneInfo) -> Recurrence:
    """The repetition; without a time of day, at the kind's usual one."""
    try:
        return parse_recurrence(when, now, tz)
    except RecurrenceError as error:
        if error.reason != "time":
            raise
        hour = DEFAULT_HOURS.get(kind, DEFAULT_DAY_TIME.strftime("%H.%M"))
        return parse_recurrence(f"{when} jam {hour}", now, tz)


def next_occurrence(
    series: Series, after: datetime, tz: ZoneInfo, days: ReadingDays, check_every: int
) -> Occurrence | None:
    """The series' first occurrence strictly after `after` (aware)."""
    recurrence = series.recurrence
    if recurrence is not None:
        found = next(recurrence.after(after, tz), None)
        return Occurrence(found.key, found.starts_at) if found else None
    if series.kind == "days":
        at = series.start.time()
        for day, _ in days.after(after.astimezone(tz).date()):
            due = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
            if due > after:
                return Occurrence(day.isoformat(), due)
        return None
    step = timedelta(minutes=check_every)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    due = epoch + ((after.astimezone(UTC) - epoch) // step + 1) * step
    return Occurrence(due.strftime("%Y-%m-%dT%H:%M"), due)


def local_day(occurrence: Occurrence, tz: ZoneInfo) -> date:
    return occurrence.due.astimezone(tz).date()
