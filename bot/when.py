"""Everyday times in Indonesian and English: "besok jam 19.00", "Sabtu depan pukul 10 pagi",
"lusa jam 8 malam", "next friday 7pm", "2026-12-05 14:00".

dateparser reads absolute dates well but misses common Indonesian phrasing ("Sabtu depan", "lusa",
"nanti malam" come back as nothing; "besok jam 19.00" loses its time). So relative days, weekdays
and times of day are read here, and only what remains goes to dateparser. Whatever is understood
must be echoed back to the member before it is saved.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

WEEKDAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
RELATIVE_DAYS = {
    "hari ini": 0,
    "today": 0,
    "nanti": 0,
    "tonight": 0,
    "besok": 1,
    "tomorrow": 1,
    "lusa": 2,
    "day after tomorrow": 2,
}
PERIOD_DEFAULT_HOUR = {"pagi": 8, "siang": 12, "sore": 16, "malam": 19, "tonight": 19}

_TIME = re.compile(
    r"(?:\b(?:jam|pukul|pkl\.?|at)\s*)?"
    r"\b(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*"
    r"(?P<period>pagi|siang|sore|malam|a\.?m\.?|p\.?m\.?)?(?![\d/-])"
    r"(?:\s*(?:wib|wita|wit))?",
)
_PERIOD_ONLY = re.compile(r"\b(pagi|siang|sore|malam|tonight)\b")
_NEXT = r"(?:\s+(?:depan|berikutnya))?"
_WEEKDAY = re.compile(
    r"\b(?P<next>next\s+|this\s+|hari\s+)?(?P<day>"
    + "|".join(map(re.escape, WEEKDAYS))
    + r")\b(?P<depan>"
    + _NEXT
    + r")"
)
_RELATIVE = re.compile(r"\b(" + "|".join(map(re.escape, RELATIVE_DAYS)) + r")\b")
_WEEK = re.compile(r"\b(minggu depan|next week|pekan depan)\b")


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment `text` means, in `tz`, or None when it is not understood."""
    words = " ".join(text.casefold().replace(",", " ").split())
    if not words:
        return None
    local_now = now.astimezone(tz)
    day: date | None = None
    rest = words
    if match := _WEEK.search(rest):
        day = local_now.date() + timedelta(days=7)
        rest = _cut(rest, match)
    elif match := _WEEKDAY.search(rest):
        target = WEEKDAYS[match["day"]]
        ahead = (target - local_now.weekday()) % 7
        explicit_next = bool(match["depan"].strip() or (match["next"] or "").startswith("next"))
        if explicit_next and ahead == 0:
            ahead = 7
        day = local_now.date() + timedelta(days=ahead)
        rest = _cut(rest, match)
    elif match := _RELATIVE.search(rest):
        day = local_now.date() + timedelta(days=RELATIVE_DAYS[match[1]])
        rest = _cut(rest, match)
    try:
        clock = _time_of_day(rest)
    except ValueError:
        return None
    moment, rest = clock if clock is not None else (None, rest)
    if day is None:
        parsed = dateparser.parse(
            rest if moment is not None else words,
            languages=["id", "en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": local_now.replace(tzinfo=None),
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
        if parsed is None:
            if moment is None:
                return None
            day = local_now.date()
        else:
            day = parsed.date()
            if moment is None:
                moment = (
                    parsed.time()
                    if (parsed.hour, parsed.minute) != (0, 0) or _has_midnight(words)
                    else time(9, 0)
                )
    if moment is None:
        period = _PERIOD_ONLY.search(words)
        moment = time(PERIOD_DEFAULT_HOUR[period[1]], 0) if period else time(9, 0)
    result = datetime.combine(day, moment, tzinfo=tz)
    if (
        result <= local_now
        and clock is not None
        and day == local_now.date()
        and not _RELATIVE.search(words)
    ):
        result += timedelta(days=1)  # "jam 7 pagi" said at noon means tomorrow
    return result


def _time_of_day(text: str) -> tuple[time, str] | None:
    for match in _TIME.finditer(text):
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        period = (match["period"] or "").replace(".", "")
        marked = bool(period) or re.search(r"(jam|pukul|pkl|at)\s*$", text[: match.start("hour")])
        if not marked and match["minute"] is None:
            continue  # a bare number ("5 desember") is a date, not a time
        if hour > 23 or minute > 59:
            raise ValueError(f"no such time: {match.group().strip()}")
        if period in ("pm", "sore") and hour < 12 or period == "malam" and 4 <= hour < 12:
            hour += 12
        elif period == "malam" and hour == 12:
            hour = 0
        elif period == "siang" and hour < 6:
            hour += 12
        elif period == "am" and hour == 12:
            hour = 0
        return time(hour, minute), _cut(text, match)
    return None


def _has_midnight(text: str) -> bool:
    return bool(re.search(r"\b0?0[.:]00\b", text))


def _cut(text: str, match: re.Match[str]) -> str:
    return " ".join((text[: match.start()] + " " + text[match.end() :]).split())
