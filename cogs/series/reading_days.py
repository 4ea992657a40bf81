"""Reading days worth marking (data/reading_days.toml here), each with a ready-made post in
Indonesian and English. The file is checked as a whole and every problem reported together."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

DAYS_FILE = Path(__file__).resolve().parent / "data" / "reading_days.toml"
LOCALES = ("id", "en")
_KEY = re.compile(r"[a-z]+(?:-[a-z]+)*")
_LEAP_YEAR = 2024  # a day is valid when some year has it; 29 February is refused below


class ReadingDaysError(Exception):
    """The reading days file is broken; the message lists every problem, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class ReadingDay:
    key: str
    month: int
    day: int
    titles: dict[str, str]
    texts: dict[str, str]

    def on(self, year: int) -> date:
        return date(year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class ReadingDays:
    all: tuple[ReadingDay, ...]

    def after(self, day: date) -> Iterator[tuple[date, ReadingDay]]:
        """The reading days on or after `day`, in order, year after year."""
        year = day.year
        while True:
            for found in sorted(self.all, key=lambda d: (d.month, d.day)):
                if found.on(year) >= day:
                    yield found.on(year), found
            year += 1

    def find(self, key: str) -> ReadingDay | None:
        return next((d for d in self.all if d.key == key), None)


def _problems(entry: dict[str, Any]) -> list[str]:
    known = {"key", "month", "day", *LOCALES}
    problems = [f"unknown key {key!r}" for key in entry if key not in known]
    if not (isinstance(entry.get("key"), str) and _KEY.fullmatch(entry["key"])):
        problems.append("key must be lower-case words joined by hyphens")
    month, day = entry.get("month"), entry.get("day")
    if not (type(month) is int and 1 <= month <= 12):
        problems.append("month must be a whole number from 1 to 12")
    elif type(day) is not int:
        problems.append("day must be a whole number")
    else:
        try:
            date(_LEAP_YEAR, month, day)
        except ValueError:
            problems.append(f"month {month} has no day {day}")
        else:
            if (month, day) == (2, 29):
                problems.append("29 February is not in every year")
    for locale in LOCALES:
        post = entry.get(locale)
        if not isinstance(post, dict):
            problems.append(f"[day.{locale}] with title and text is missing")
            continue
        problems += [f"{locale}.{key}: unknown key" for key in post if key not in ("title", "text")]
        for key in ("title", "text"):
            if not (isinstance(post.get(key), str) and post[key].strip()):
                problems.append(f"{locale}.{key} must be a non-empty string")
    return problems


def load_reading_days(path: Path = DAYS_FILE) -> ReadingDays:
    """Load and check the reading days; raises ReadingDaysError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReadingDaysError(
            [f"{path.name}: cannot be read: {error.strerror or error}"]
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ReadingDaysError([f"{path.name}: not valid TOML: {error}"]) from None
    problems = [f"{path.name}: unknown top-level key {key!r}" for key in data if key != "day"]
    entries = data.get("day")
    if not isinstance(entries, list) or not entries:
        raise ReadingDaysError([*problems, f"{path.name}: no [[day]] tables"])
    days: list[ReadingDay] = []
    seen: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"{path.name} day {number}: must be a [[day]] table")
            continue
        label = f"{path.name} day {number} ({entry.get('key', '?')})"
        found = _problems(entry)
        problems += [f"{label}: {problem}" for problem in found]
        if found:
            continue
        for name, other in (("key", entry["key"]), ("date", f"{entry['month']}-{entry['day']}")):
            if f"{name}:{other}" in seen:
                problems.append(f"{label}: the same {name} as {seen[f'{name}:{other}']}")
            seen.setdefault(f"{name}:{other}", label)
        days.append(
            ReadingDay(
                key=entry["key"],
                month=entry["month"],
                day=entry["day"],
                titles={locale: entry[locale]["title"].strip() for locale in LOCALES},
                texts={locale: " ".join(entry[locale]["text"].split()) for locale in LOCALES},
            )
        )
    if problems:
        raise ReadingDaysError(problems)
    return ReadingDays(tuple(days))


@lru_cache(maxsize=1)
def bundled_days() -> ReadingDays:
    return load_reading_days()
