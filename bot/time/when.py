"""Everyday times in Indonesian and English: "besok jam 19.00", "Sabtu depan pukul 10 pagi",
"lusa jam 8 malam", "Kamis, 3 Desember 2026 jam 7 malam", "dalam 30 menit", "next friday 7pm",
"2026-12-05 14:00".

dateparser reads absolute dates well but misses common Indonesian phrasing ("Sabtu depan", "lusa",
"nanti malam" come back as nothing; "besok jam 19.00" loses its time; 05/12 is read as May). So
dates, relative days, weekdays, durations and times of day are read here, and only what none of
those rules understands goes to dateparser. Whatever is understood must be echoed back to the
member before it is saved.

Rules of thumb, as Indonesians write them: "minggu depan" is next week but "hari Minggu depan" is
next Sunday; "jam 7 malam" is 19:00, "jam 12 siang" noon, "jam 3 sore" 15:00, "jam 12 malam" the
midnight that ends the day; "setengah 8" is 7:30; numeric dates are day first (05/12 = 5 December).
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
PERIOD_DEFAULT_HOUR = {
    "pagi": 8,
    "siang": 12,
    "sore": 16,
    "malam": 19,
    "tonight": 19,
    "morning": 8,
    "afternoon": 15,
    "evening": 19,
    "night": 19,
}
MONTHS = {
    "januari": 1,
    "january": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "february": 2,
    "feb": 2,
    "maret": 3,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "agustus": 8,
    "august": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "desember": 12,
    "december": 12,
    "des": 12,
    "dec": 12,
}
ZONES = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}
# English periods follow the Indonesian hour rules of their nearest word.
_PERIOD_RULE = {"morning": "pagi", "afternoon": "sore", "evening": "malam", "night": "malam"}
_UNITS = {
    "menit": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "jam": "hours",
    "hour": "hours",
    "hours": "hours",
    "hari": "days",
    "day": "days",
    "days": "days",
    "minggu": "weeks",
    "pekan": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}
# Words that carry no date of their own, left over once the parts are read.
_FILLERS = {"jam", "pukul", "pkl", "pkl.", "pada", "tanggal", "tgl", "hari", "at", "on", "the"}

_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:t(?=\d))?")
_NUMERIC_DATE = re.compile(
    r"(?<![\d.:])\b(?P<d>\d{1,2})[/-](?P<m>\d{1,2})(?:[/-](?P<y>\d{4}|\d{2}))?\b(?![.:]\d)"
)
_DAY_MONTH = re.compile(
    r"\b(?:(?:tanggal|tgl\.?)\s*)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<m>{_MONTH})\b\.?(?:\s+(?P<y>\d{{4}})\b)?"
)
_MONTH_DAY = re.compile(
    rf"\b(?P<m>{_MONTH})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s+(?P<y>\d{{4}})\b)?"
)
NUMBER_WORDS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# "tanggal 5", "tgl 5", "the 5th": a day of this month, or of the next when it has passed.
_DAY_ONLY = re.compile(
    r"\b(?:(?:tanggal|tgl\.?)\s*(?P<d>\d{1,2})(?![\d.:/-])"
    r"|(?:the\s+)?(?P<nth>\d{1,2})(?:st|nd|rd|th))\b"
)
_MARK = r"(?:\b(?:jam|pukul|pkl\.?|at)\s+)?(?:\b12\s+)?"
_NOON = re.compile(_MARK + r"\b(?:noon|midday|tengah\s+hari)\b")
_MIDNIGHT = re.compile(_MARK + r"\b(?:midnight|tengah\s+malam)\b")
# "malam ini", "sore ini": today, at that part of the day.
_PERIOD_TODAY = re.compile(r"\b(pagi|siang|sore|malam)\s+ini\b")
_DURATION = re.compile(
    rf"(?P<within>(?:dalam|in)\s+)?(?P<n>\d{{1,4}}|{_NUMBER_WORD}|se|an|a)\s*(?P<unit>"
    + "|".join(_UNITS)
    + r")\b(?P<ahead>\s+(?:lagi|from now|later))?"
)
_HALF_HOUR = re.compile(r"\bsetengah\s+(?P<hour>\d{1,2})\b(?![.:]\d)")
_TIME = re.compile(
    r"(?:\b(?:jam|pukul|pkl\.?|at)\s*)?"
    r"\b(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*"
    r"(?P<period>pagi|siang|sore|malam|a\.?m\.?|p\.?m\.?)?(?![\d/-])"
)
_PERIOD_ONLY = re.compile(r"\b(" + "|".join(PERIOD_DEFAULT_HOUR) + r")\b")
_ZONE = re.compile(r"\b(wita|wib|wit)\b")
_NEXT = r"(?:\s+(?:depan|berikutnya))?"
_WEEKDAY = re.compile(
    r"\b(?P<next>next\s+|this\s+|hari\s+)?(?P<day>"
    + "|".join(map(re.escape, WEEKDAYS))
    + r")\b(?P<depan>"
    + _NEXT
    + r")"
)
_RELATIVE = re.compile(r"\b(" + "|".join(map(re.escape, RELATIVE_DAYS)) + r")\b")
# "Minggu depan" is next week, unless it is "hari Minggu depan" (next Sunday).
_WEEK = re.compile(r"(?<!hari )\b(minggu depan|minggu berikutnya|pekan depan|next week)\b")


class _Unreadable(ValueError):
    """Text that names an impossible date or time (31 Februari, jam 25)."""


def parse_when(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment `text` means, in `tz`, or None when it is not understood."""
    words = " ".join(text.casefold().replace(",", " ").split())
    if not words:
        return None
    try:
        return _parse(words, now, tz)
    except _Unreadable:
        return None


def _parse(words: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    zone = tz
    if match := _ZONE.search(words):
        zone = ZoneInfo(ZONES[match[1]])
        words = _cut(words, match)
    words = _NOON.sub(" jam 12 siang ", words)
    words = _MIDNIGHT.sub(" jam 12 malam ", words)
    words = " ".join(_PERIOD_TODAY.sub(r"hari ini \1", words).split())
    if (delta := _duration(words)) is not None:
        return (now + delta).astimezone(tz)
    local_now = now.astimezone(zone)
    words = _HALF_HOUR.sub(lambda m: f"{int(m['hour']) - 1}.30", words)
    day, rest, kind = _day(words, local_now)
    clock = _time_of_day(rest)
    moment, rest = clock if clock is not None else (None, rest)
    leftover = [word for word in rest.split() if word not in _FILLERS]
    if day is not None and any(word in NUMBER_WORDS for word in leftover):
        return None  # "besok jam 8 dua": a number the time did not use is not ignored
    if day is None:
        if moment is not None and not leftover:
            day, kind = local_now.date(), "unsaid"
        else:
            return _dateparser(words, moment, local_now, tz)
    if moment is None:
        period = _PERIOD_ONLY.search(words)
        moment = time(PERIOD_DEFAULT_HOUR[period[1]], 0) if period else time(9, 0)
    result = datetime.combine(day, moment, tzinfo=zone)
    if _midnight_ending(words):
        result += timedelta(days=1)  # "jam 12 malam": the midnight that ends the day
    if result <= local_now:
        if kind == "unsaid":
            result += timedelta(days=1)  # "jam 7 pagi" said at noon means tomorrow
        elif kind == "weekday" and day == local_now.date():
            result += timedelta(days=7)  # "Rabu jam 9" said on Wednesday at 10 means next week
        elif kind == "nanti" and moment.hour < 12 and clock is not None:
            result += timedelta(hours=12)  # "nanti jam 8" said in the morning means 20:00
    return result.astimezone(tz)


def _duration(words: str) -> timedelta | None:
    """'dalam 30 menit', '2 jam lagi', 'in 2 hours', 'sejam lagi': a time from now."""
    words = words.replace("sejam", "se jam").replace("setengah jam", "30 menit")
    match = _DURATION.fullmatch(words)
    if match is None or not (match["within"] or match["ahead"]):
        return None
    amount = int(match["n"]) if match["n"].isdigit() else NUMBER_WORDS.get(match["n"], 1)
    return timedelta(**{_UNITS[match["unit"]]: amount})


def _day(words: str, local_now: datetime) -> tuple[date | None, str, str]:
    """The day named in `words`, the words left, and how it was named."""
    if found := _date(words, local_now.date()):
        return found[0], found[1], "date"
    today = local_now.date()
    if match := _WEEK.search(words):
        rest = _cut(words, match)
        if weekday := _WEEKDAY.search(rest):
            monday = today + timedelta(days=7 - today.weekday())
            return monday + timedelta(days=WEEKDAYS[weekday["day"]]), _cut(rest, weekday), "date"
        return today + timedelta(days=7), rest, "date"
    if match := _WEEKDAY.search(words):
        target = WEEKDAYS[match["day"]]
        ahead = (target - today.weekday()) % 7
        explicit_next = bool(match["depan"].strip() or (match["next"] or "").startswith("next"))
        if explicit_next and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead), _cut(words, match), "weekday"
    if match := _RELATIVE.search(words):
        kind = "nanti" if match[1] == "nanti" else "relative"
        return today + timedelta(days=RELATIVE_DAYS[match[1]]), _cut(words, match), kind
    return None, words, "unsaid"


def _date(words: str, today: date) -> tuple[date, str] | None:
    """An explicit calendar date (2026-12-05, 5/12/2026, 5 Desember, December 5th).

    A weekday written beside it must agree with it ("Kamis, 3 Desember 2026").
    """
    for pattern in (_ISO_DATE, _DAY_MONTH, _MONTH_DAY, _NUMERIC_DATE):
        match = pattern.search(words)
        if match is None:
            continue
        month = MONTHS.get(match["m"]) or int(match["m"])
        day = int(match["d"])
        year = match["y"]
        try:
            if year is None:
                found = date(today.year, month, day)
                if found < today:
                    found = date(today.year + 1, month, day)
            else:
                found = date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        except ValueError:
            raise _Unreadable(match.group()) from None
        rest = _cut(words, match)
        if weekday := _WEEKDAY.search(rest):
            if WEEKDAYS[weekday["day"]] != found.weekday():
                raise _Unreadable(f"{weekday.group()} is not {found}")
            rest = _cut(rest, weekday)
        return found, rest
    if match := _DAY_ONLY.search(words):
        return _day_of_month(int(match["d"] or match["nth"]), today, match), _cut(words, match)
    return None


def _day_of_month(day: int, today: date, match: re.Match[str]) -> date:
    """The next date (today included) that is day `day` of its month."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise _Unreadable(match.group())


def _time_of_day(text: str) -> tuple[time, str] | None:
    for match in _TIME.finditer(text):
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        period = (match["period"] or "").replace(".", "")
        marked = bool(period) or re.search(r"(jam|pukul|pkl|at)\s*$", text[: match.start("hour")])
        if not marked and match["minute"] is None:
            continue  # a bare number is not a time
        if hour > 23 or minute > 59:
            raise _Unreadable(match.group().strip())
        if not period and (elsewhere := _PERIOD_ONLY.search(text)):
            period = elsewhere[1]  # "besok malam jam 7"
        return time(_hour(hour, _PERIOD_RULE.get(period, period)), minute), _cut(text, match)
    return None


def _hour(hour: int, period: str) -> int:
    if period in ("pm", "sore") and hour < 12 or period == "malam" and 4 <= hour < 12:
        return hour + 12
    if period in ("malam", "am") and hour == 12:
        return 0
    if period == "siang" and hour < 6:
        return hour + 12
    return hour


def _midnight_ending(words: str) -> bool:
    return bool(re.search(r"\b(?:jam|pukul)\s*12(?:[.:]00)?\s*malam\b", words))


def _dateparser(
    words: str, moment: time | None, local_now: datetime, tz: ZoneInfo
) -> datetime | None:
    """The last resort, for whatever the rules above do not read."""
    parsed = dateparser.parse(
        words,
        languages=["id", "en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        return None
    if moment is None:
        moment = parsed.time() if (parsed.hour, parsed.minute) != (0, 0) else time(9, 0)
    return datetime.combine(parsed.date(), moment, tzinfo=local_now.tzinfo).astimezone(tz)


def _cut(text: str, match: re.Match[str]) -> str:
    return " ".join((text[: match.start()] + " " + text[match.end() :]).split())
