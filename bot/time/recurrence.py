"""Repeating times: "setiap Sabtu 10.00", "every Friday 7pm", "setiap tanggal 5 pukul 19.00",
"Sabtu pertama setiap bulan jam 10 pagi", or an RFC 5545 RRULE with a start.

A series is kept as an RRULE (without DTSTART) and its first occurrence as wall-clock time in the
community's timezone. Occurrences come from dateutil's rrule in local time and are converted to
UTC one by one, so a series keeps its local time across daylight-saving changes and when the
community's timezone changes. At most one occurrence falls on a local date: that date names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.time.when import PERIOD_DEFAULT_HOUR, WEEKDAYS, parse_when

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {
    "pertama": 1,
    "first": 1,
    "1st": 1,
    "kedua": 2,
    "second": 2,
    "2nd": 2,
    "ketiga": 3,
    "third": 3,
    "3rd": 3,
    "keempat": 4,
    "fourth": 4,
    "4th": 4,
    "terakhir": -1,
    "last": -1,
}
NUMBERS = {"dua": 2, "tiga": 3, "empat": 4, "two": 2, "three": 3, "four": 4, "other": 2}
FILLERS = {"setiap", "tiap", "tiap-tiap", "saban", "every", "each", "sekali", "pada", "on", "the"}
FILLERS |= {"of", "dan", "and", "&", "in", "dalam", "di"}
MARKERS = {
    "day": "DAILY",
    "days": "DAILY",
    "daily": "DAILY",
    "harian": "DAILY",
    "week": "WEEKLY",
    "weeks": "WEEKLY",
    "weekly": "WEEKLY",
    "mingguan": "WEEKLY",
    "pekan": "WEEKLY",
    "month": "MONTHLY",
    "months": "MONTHLY",
    "monthly": "MONTHLY",
    "bulan": "MONTHLY",
    "bulanan": "MONTHLY",
    "sebulan": "MONTHLY",
    "year": "YEARLY",
    "years": "YEARLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
    "tahun": "YEARLY",
    "tahunan": "YEARLY",
}
UNITS = {**MARKERS, "minggu": "WEEKLY", "hari": "DAILY"}
_MARKER_WORD = re.compile(r"\b(setiap|tiap|saban|every|each|daily|weekly|monthly|yearly)\b")
_RRULE = re.compile(r"(?:\bdtstart[:=](?P<start>[0-9tz]+)\s*)?\brrule:(?P<rule>\S+)")
_TIME_START = r"\s+(?:jam|pukul|pkl|at)\b|\s+\d{1,2}[.:]\d{2}\b|\s+\d{1,2}\s*(?:am|pm)\b"
_LIMIT_WORDS = r"mulai|sejak|from|starting|sampai|hingga|until|till"
_FROM = re.compile(
    r"\b(?:mulai|sejak|from|starting(?:\s+(?:on|from))?)\s+(?:(?:tanggal|tgl)\s+)?(?P<day>.+?)"
    rf"(?={_TIME_START}|\s+\b(?:{_LIMIT_WORDS})\b|$)"
)
_UNTIL = re.compile(
    r"\b(?:sampai|hingga|until|till)\s+(?:dengan\s+)?(?:(?:tanggal|tgl)\s+)?(?P<day>.+?)"
    rf"(?={_TIME_START}|\s+\b(?:{_LIMIT_WORDS})\b|$)"
)
_COUNT = re.compile(r"\b(?:sebanyak\s+)?(?P<count>\d{1,3})\s*(?:kali|times|x)\b")
_MONTHDAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")
_INTERVAL = re.compile(r"^\d{1,2}$")
_SUPPORTED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST"}
_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


class RecurrenceError(ValueError):
    """A repeating time that cannot be used. `reason` names what is wrong:

    "rrule" (an RRULE dateutil cannot read), "frequency" (more often than daily, or several
    times a day), "start" (an RRULE without a readable start), "time" (no time of day),
    "ended" (no occurrence after now), "unreadable" (no pattern understood).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Occurrence:
    day: date
    """The local date: it names the occurrence (``2026-12-05``)."""
    starts_at: datetime
    """In UTC."""

    @property
    def key(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True, slots=True)
class Recurrence:
    rule: str
    """An RRULE without DTSTART, e.g. ``FREQ=WEEKLY;BYDAY=SA``."""
    start: datetime
    """The first occurrence, naive, in the community's wall-clock time."""

    @property
    def parts(self) -> dict[str, str]:
        return rule_parts(self.rule)

    def _rrule(self) -> rrule:
        made = rrulestr(self.rule, dtstart=self.start)
        assert isinstance(made, rrule)
        return made

    def after(self, moment: datetime, tz: ZoneInfo) -> Iterator[Occurrence]:
        """Occurrences starting strictly after `moment` (aware), in order."""
        local = moment.astimezone(tz).replace(tzinfo=None)
        if local < self.start:
            local = self.start - timedelta(microseconds=1)
        for found in self._rrule().xafter(local, inc=False):
            occurrence = _occurrence(found, tz)
            if occurrence.starts_at > moment:
                yield occurrence

    def on(self, day: date, tz: ZoneInfo) -> Occurrence | None:
        """The occurrence on that local date, if there is one."""
        found = self._rrule().between(
            datetime.combine(day, time.min), datetime.combine(day, time.max), inc=True
        )
        return _occurrence(found[0], tz) if found else None

    def all(self, tz: ZoneInfo) -> list[Occurrence] | None:
        """Every occurrence of a series with an end; None for an endless one."""
        parts = self.parts
        if "COUNT" not in parts and "UNTIL" not in parts:
            return None
        return [_occurrence(found, tz) for found in self._rrule()]


def is_recurring(text: str) -> bool:
    """Whether `text` asks for a repeating time (and so is not a single date)."""
    words = text.casefold()
    return bool(_MARKER_WORD.search(words) or "rrule:" in words)


def parse_recurrence(text: str, now: datetime, tz: ZoneInfo) -> Recurrence:
    """The series `text` describes, starting after `now`; raises :class:`RecurrenceError`."""
    words = " ".join(text.casefold().replace(",", " ").split())
    local_now = now.astimezone(tz).replace(tzinfo=None, microsecond=0)
    if match := _RRULE.search(words):
        rule, start = _from_rrule(match, _cut(words, match), now, tz)
    else:
        rule, start = _from_words(words, now, tz)
    try:
        series = rrulestr(rule, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise RecurrenceError("rrule") from None
    after = max(local_now, start - timedelta(microseconds=1))
    first = series.after(after, inc=False)
    if first is None:
        raise RecurrenceError("ended")
    parts = rule_parts(rule)
    if "COUNT" in parts:
        left = sum(1 for found in series if found >= first)
        parts["COUNT"] = str(left)
        rule = join_rule(parts)
    return Recurrence(rule, first)


def rule_parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in rule.upper().removeprefix("RRULE:").split(";"):
        name, _, value = item.partition("=")
        if name:
            parts[name.strip()] = value.strip()
    return parts


def join_rule(parts: dict[str, str]) -> str:
    return ";".join(f"{name}={value}" for name, value in parts.items())


def _from_rrule(
    match: re.Match[str], rest: str, now: datetime, tz: ZoneInfo
) -> tuple[str, datetime]:
    parts = rule_parts(match["rule"])
    if not parts or any(not value for value in parts.values()) or "FREQ" not in parts:
        raise RecurrenceError("rrule")
    if parts["FREQ"] not in _FREQS:
        raise RecurrenceError("frequency" if parts["FREQ"] in _SUBDAILY else "rrule")
    if set(parts) - _SUPPORTED:
        unknown = set(parts) - _SUPPORTED
        raise RecurrenceError("frequency" if unknown & _SEVERAL_A_DAY else "rrule")
    if until := parts.get("UNTIL"):
        parts["UNTIL"] = _local_until(until, tz)
    if match["start"]:
        start = _dtstart(match["start"], tz)
    else:
        rest = rest.strip()
        when = parse_when(rest, now, tz) if rest else None
        if when is None:
            raise RecurrenceError("start")
        start = when.astimezone(tz).replace(tzinfo=None)
    return join_rule(parts), start


_SUBDAILY = {"HOURLY", "MINUTELY", "SECONDLY"}
_SEVERAL_A_DAY = {"BYHOUR", "BYMINUTE", "BYSECOND"}


def _local_until(until: str, tz: ZoneInfo) -> str:
    try:
        if until.endswith("Z"):
            moment = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")
        if len(until) == 8:
            return until + "T235959"
        datetime.strptime(until, "%Y%m%dT%H%M%S")
    except ValueError:
        raise RecurrenceError("rrule") from None
    return until


def _dtstart(text: str, tz: ZoneInfo) -> datetime:
    text = text.upper()
    try:
        if text.endswith("Z"):
            moment = datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return moment.astimezone(tz).replace(tzinfo=None)
        return datetime.strptime(text, "%Y%m%dT%H%M%S")
    except ValueError:
        raise RecurrenceError("start") from None


@dataclass
class _Pattern:
    freq: str | None = None
    interval: int = 1
    days: list[tuple[int, int | None]] | None = None
    monthday: int | None = None
    ordinal: int | None = None


def _from_words(words: str, now: datetime, tz: ZoneInfo) -> tuple[str, datetime]:
    extra: dict[str, str] = {}
    start_day: date | None = None
    if match := _FROM.search(words):
        start_day = _day(match["day"], now, tz)
        words = _cut(words, match)
    if match := _UNTIL.search(words):
        until = _day(match["day"], now, tz)
        extra["UNTIL"] = until.strftime("%Y%m%dT235959")
        words = _cut(words, match)
    if match := _COUNT.search(words):
        extra["COUNT"] = str(max(1, int(match["count"])))
        words = _cut(words, match)
    pattern, rest = _pattern(words.split())
    freq = pattern.freq
    if pattern.monthday or pattern.ordinal is not None or freq == "MONTHLY":
        freq = "MONTHLY"
    elif pattern.days or freq == "WEEKLY":
        freq = "WEEKLY"
    if freq is None:
        raise RecurrenceError("unreadable")
    parts = {"FREQ": freq}
    if pattern.interval > 1:
        parts["INTERVAL"] = str(pattern.interval)
    if pattern.days:
        parts["BYDAY"] = ",".join(
            f"{ordinal or ''}{DAY_CODES[day]}" for day, ordinal in pattern.days
        )
    if pattern.monthday:
        parts["BYMONTHDAY"] = str(pattern.monthday)
    parts.update(extra)
    rest_text = " ".join(rest)
    if freq == "YEARLY":
        when = parse_when(rest_text, now, tz) if rest_text else None
        if when is None:
            raise RecurrenceError("time")
        start = when.astimezone(tz).replace(tzinfo=None)
        if start_day is not None:
            start = datetime.combine(start_day, start.time())
        return join_rule(parts), start
    clock = _time_of_day(rest_text, now, tz)
    day = start_day or now.astimezone(tz).date()
    return join_rule(parts), datetime.combine(day, clock)


def _pattern(tokens: list[str]) -> tuple[_Pattern, list[str]]:
    """Read the repeating part of the words; what is left should be the time of day."""
    pattern = _Pattern()
    rest: list[str] = []
    days: list[tuple[int, int | None]] = []
    pending: int | None = None  # an ordinal said before its weekday ("first Saturday")
    index = 0
    while index < len(tokens):
        word = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        number = int(word) if _INTERVAL.match(word) else NUMBERS.get(word)
        if word in FILLERS:
            pass
        elif number and following in UNITS:
            pattern.interval, pattern.freq = number, UNITS[following]
            index += 1
        elif word == "other":
            pattern.interval = 2
            pattern.freq = pattern.freq or "WEEKLY"
        elif word in ("weekday", "weekdays") or (word, following) == ("hari", "kerja"):
            days.extend((day, None) for day in range(5))
            index += 1 if word == "hari" else 0
        elif word == "hari" and following in WEEKDAYS:
            pass
        elif word == "hari":
            pattern.freq = pattern.freq or "DAILY"
        elif word == "minggu" and _weekday_follows(tokens, index + 1):
            pattern.freq = "WEEKLY"
        elif word in WEEKDAYS:
            ordinal = pending
            if ordinal is None and following in ORDINALS:
                ordinal = ORDINALS[following]
                index += 1
            pending = None
            days.append((WEEKDAYS[word], ordinal))
            pattern.ordinal = ordinal if ordinal is not None else pattern.ordinal
        elif word in ORDINALS and _weekday_follows(tokens, index + 1):
            pending = ORDINALS[word]
        elif word in ("tanggal", "tgl") and following.isdigit():
            pattern.monthday = int(following)
            index += 1
        elif match := _MONTHDAY.fullmatch(word):
            pattern.monthday = int(match[1])
        elif word in MARKERS:
            pattern.freq = pattern.freq or MARKERS[word]
        else:
            rest.append(word)
        index += 1
    if pattern.monthday is not None and not 1 <= pattern.monthday <= 31:
        raise RecurrenceError("unreadable")
    pattern.days = sorted(set(days), key=lambda item: item[0]) or None
    return pattern, rest


def _weekday_follows(tokens: list[str], index: int) -> bool:
    while index < len(tokens) and tokens[index] in ("hari", "pada", "on", "the"):
        index += 1
    return index < len(tokens) and tokens[index] in WEEKDAYS


def _time_of_day(text: str, now: datetime, tz: ZoneInfo) -> time:
    """The time in the words left over ("10.00", "pukul 7 malam", "7pm", "pagi")."""
    if not text or not (re.search(r"\d", text) or any(p in text.split() for p in _PERIODS)):
        raise RecurrenceError("time")
    when = parse_when("hari ini " + text, now, tz)
    if when is None:
        raise RecurrenceError("time")
    return when.astimezone(tz).time().replace(second=0, microsecond=0)


_PERIODS = set(PERIOD_DEFAULT_HOUR)


def _day(text: str, now: datetime, tz: ZoneInfo) -> date:
    when = parse_when(text, now, tz)
    if when is None:
        raise RecurrenceError("unreadable")
    return when.astimezone(tz).date()


def _occurrence(local: datetime, tz: ZoneInfo) -> Occurrence:
    return Occurrence(local.date(), local.replace(tzinfo=tz).astimezone(UTC))


def _cut(text: str, match: re.Match[str]) -> str:
    return " ".join((text[: match.start()] + " " + text[match.end() :]).split())
