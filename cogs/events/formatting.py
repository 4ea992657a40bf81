"""Dates, repeating times and reminder offsets as a member reads them, in their language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from babel.lists import format_list
from babel.units import format_unit

from bot.api import dates
from bot.api.commands import N_
from bot.time.recurrence import DAY_CODES, Recurrence

Translate = Callable[[str], str]

ORDINAL_NAMES = {
    1: N_("first"),
    2: N_("second"),
    3: N_("third"),
    4: N_("fourth"),
    -1: N_("last"),
}
MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}
OFFSET_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "menit", "mnt"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "j", "jam"), 60),
    **dict.fromkeys(("d", "day", "days", "hari"), 1440),
    **dict.fromkeys(("w", "week", "weeks", "minggu", "pekan"), 10080),
}
MAX_OFFSETS = 5
LONGEST_OFFSET = 30 * 1440  # minutes
_OFFSET = re.compile(r"(\d{1,6})\s*([a-z]+)")
_SEPARATORS = re.compile(r",|\+|\b(?:dan|and|sebelumnya|before)\b")
_RULE_WORDS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}


def date_text(locale: str, moment: datetime, tz: ZoneInfo) -> str:
    """``Sabtu, 5 Desember 2026, 10.00 WIB``."""
    return dates.moment_text(locale, moment, tz)


def day_text(locale: str, moment: datetime, tz: ZoneInfo) -> str:
    """``Sabtu, 5 Desember 2026``."""
    return dates.weekday_date(locale, moment.astimezone(tz).date())


def long_date(locale: str, day: date) -> str:
    return dates.weekday_date(locale, day)


def repeat_text(_: Translate, locale: str, recurrence: Recurrence, tz: ZoneInfo) -> str:
    """``every Saturday at 10.00 WIB`` / ``setiap Sabtu pukul 10.00 WIB``."""
    parts = recurrence.parts
    at = dates.clock_text(locale, recurrence.start.time(), tz)
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    names = get_day_names("wide", locale=locale)
    days = [
        (DAY_CODES.index(code[-2:]), int(code[:-2]) if code[:-2] else None)
        for code in filter(None, parts.get("BYDAY", "").split(","))
    ]
    if not days:
        days = [(recurrence.start.weekday(), None)]
    day_names = format_list([names[day] for day, _ordinal in days], locale=locale)
    ordinals = {ordinal for _day, ordinal in days}
    text = None
    if set(parts) <= _RULE_WORDS:
        if freq == "DAILY" and "BYDAY" not in parts:
            text = (
                _("every day at {time}").format(time=at)
                if interval == 1
                else _("every {count} days at {time}").format(count=interval, time=at)
            )
        elif freq in ("DAILY", "WEEKLY") and ordinals == {None}:
            if [day for day, _ordinal in days] == [0, 1, 2, 3, 4] and interval == 1:
                text = _("every weekday at {time}").format(time=at)
            elif interval == 1:
                text = _("every {days} at {time}").format(days=day_names, time=at)
            elif freq == "WEEKLY":
                text = _("every {count} weeks on {days} at {time}").format(
                    count=interval, days=day_names, time=at
                )
        elif freq == "MONTHLY" and interval == 1 and "BYDAY" not in parts:
            day = parts.get("BYMONTHDAY", str(recurrence.start.day))
            if day.isdigit():
                text = _("on day {day} of every month at {time}").format(day=day, time=at)
        elif freq == "MONTHLY" and interval == 1 and len(days) == 1 and None not in ordinals:
            day, ordinal = days[0]
            if ordinal in ORDINAL_NAMES:
                text = _("on the {ordinal} {day} of every month at {time}").format(
                    ordinal=_(ORDINAL_NAMES[ordinal]), day=names[day], time=at
                )
        elif freq == "YEARLY" and interval == 1 and "BYDAY" not in parts:
            when = dates.day_of_year(locale, recurrence.start.date())
            text = _("every year on {date} at {time}").format(date=when, time=at)
    if text is None:
        text = _("following the rule {rule}, at {time}").format(rule=recurrence.rule, time=at)
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += ", " + _("{count} times in all").format(count=count)
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d")
        text += ", " + _("until {date}").format(date=dates.long_date(locale, until.date()))
    return text


class OffsetError(ValueError):
    """Offsets that cannot be used: `reason` is "unreadable", "count" or "range"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_offsets(text: str) -> tuple[int, ...]:
    """``"24h 1h"``, ``"2 hari, 30 menit"``, ``"1m"`` → minutes before, largest first."""
    words = _SEPARATORS.sub(" ", text.casefold())
    found: list[int] = []
    position = 0
    for match in _OFFSET.finditer(words):
        unit = OFFSET_UNITS.get(match[2])
        if words[position : match.start()].strip() or unit is None:
            raise OffsetError("unreadable")
        found.append(int(match[1]) * unit)
        position = match.end()
    if words[position:].strip() or not found:
        raise OffsetError("unreadable")
    if len(set(found)) > MAX_OFFSETS:
        raise OffsetError("count")
    if any(not 1 <= minutes <= LONGEST_OFFSET for minutes in found):
        raise OffsetError("range")
    return tuple(sorted(set(found), reverse=True))


def duration_text(minutes: int, locale: str) -> str:
    """``1 jam``, ``24 hours``, ``2 hari``, ``90 menit``: the largest whole unit, but hours
    up to a day (as librarians say "24 jam")."""
    for unit in ("day", "hour", "minute"):
        if minutes % MINUTES[unit] == 0 and not (unit == "day" and minutes <= MINUTES["day"]):
            return format_unit(minutes // MINUTES[unit], f"duration-{unit}", locale=locale)
    raise AssertionError("every whole number of minutes has a unit")


def offsets_text(minutes: tuple[int, ...], locale: str) -> str:
    """``24 jam dan 1 jam``."""
    return format_list([duration_text(m, locale) for m in minutes], locale=locale)
