"""Dates and times as members read them: one style per language, Babel's, and a time always
with its timezone.

Indonesian: ``Sabtu, 12 Desember 2026, 09.00 WIB``, ``12 Desember 2026``, ``12 Des 2026``.
English: ``Saturday, December 12, 2026, 9:00 AM WIB``, ``December 12, 2026``, ``Dec 12, 2026``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, format_time

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_name(tz: ZoneInfo) -> str:
    """WIB, WITA, WIT, or the zone's name elsewhere."""
    return ZONE_NAMES.get(str(tz), str(tz))


def moment_text(locale: str, moment: datetime, tz: ZoneInfo) -> str:
    """The weekday, date, time and zone: ``Sabtu, 12 Desember 2026, 09.00 WIB``."""
    local = moment.astimezone(tz)
    return f"{weekday_date(locale, local.date())}, {clock_text(locale, local.time(), tz)}"


def clock_text(locale: str, moment: time, tz: ZoneInfo) -> str:
    """A wall-clock time in `tz` with the zone: ``09.00 WIB``, ``9:00 AM WIB``."""
    return f"{_short_time(locale, moment.hour, moment.minute)} {zone_name(tz)}"


# Babel takes some 20-50 µs a date or time, parsing the locale each time: a page of hundreds
# of items (the dashboard's calendar month) names the same days and hours over and over.
@lru_cache(maxsize=4096)
def _short_time(locale: str, hour: int, minute: int) -> str:
    return format_time(time(hour, minute), "short", locale=locale).replace("\u202f", " ")


@lru_cache(maxsize=4096)
def weekday_date(locale: str, day: date) -> str:
    """``Sabtu, 12 Desember 2026``: the weekday and the long date (Babel's full date pads the
    day in Indonesian, "06 Januari", which nobody writes)."""
    return f"{format_date(day, 'EEEE', locale=locale)}, {long_date(locale, day)}"


def long_date(locale: str, day: date) -> str:
    """``12 Desember 2026``."""
    return format_date(day, "long", locale=locale)


def short_date(locale: str, day: date) -> str:
    """``12 Des 2026``."""
    return format_date(day, "medium", locale=locale)


def day_of_year(locale: str, day: date) -> str:
    """``12 Desember``, ``December 12``."""
    return format_skeleton("MMMMd", day, locale=locale)
