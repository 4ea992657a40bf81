"""A reading plan: a book divided into weekly sections, and where a member says they are.

A plan counts in pages or chapters when their number is known (from the catalog or a
moderator), else in percent. Sections are as even as whole numbers allow: 320 pages over four
weeks are 1–80, 81–160, 161–240 and 241–320. A member's place is kept as a fraction of the book,
so it survives a new plan for the same book.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

UNITS = ("pages", "chapters", "percent")
WEEK = timedelta(days=7)

_PAGE = r"(?:halaman|hal|hlm|page|pages|pg|p)\.?"
_CHAPTER = r"(?:bab|chapter|chap|ch|bagian)\.?"
_POSITION = re.compile(
    rf"(?:(?P<page>{_PAGE})\s*(?P<page_n>\d{{1,5}})"
    rf"|(?P<chapter>{_CHAPTER})\s*(?P<chapter_n>\d{{1,4}})"
    r"|(?P<percent_n>\d{1,3})\s*(?:%|persen|percent)"
    r"|(?P<done>selesai|tamat|done|finished)"
    r"|(?P<bare>\d{1,5}))"
    r"(?=\s|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Section:
    number: int
    starts_at: datetime
    first: int
    last: int
    unit: str

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + WEEK


@dataclass(frozen=True, slots=True)
class Plan:
    starts_at: datetime
    unit: str
    total: int
    sections: tuple[Section, ...]

    def current(self, now: datetime) -> Section | None:
        """The section being read now; None before the plan starts."""
        started = [s for s in self.sections if s.starts_at <= now]
        return started[-1] if started else None

    def section_of(self, fraction: float) -> Section:
        """The section a member at this point of the book is in."""
        count = len(self.sections)
        index = max(1, min(count, math.ceil(fraction * count - 1e-9)))
        return self.sections[index - 1]

    def end_fraction(self, section: Section) -> float:
        return section.number / len(self.sections)

    @property
    def ends_at(self) -> datetime:
        return self.sections[-1].ends_at


def make_plan(starts_at: datetime, weeks: int, unit: str, total: int) -> Plan:
    """`weeks` sections (fewer when the book has fewer pages or chapters than weeks)."""
    count = max(1, min(weeks, total))
    sections = []
    for number in range(1, count + 1):
        if unit == "percent":
            first, last = (number - 1) * total // count, number * total // count
        else:
            first, last = (number - 1) * total // count + 1, number * total // count
        sections.append(Section(number, starts_at + WEEK * (number - 1), first, last, unit))
    return Plan(starts_at, unit, total, tuple(sections))


@dataclass(frozen=True, slots=True)
class Position:
    """Where a member says they are: a page, a chapter, a percent, or done (the whole book)."""

    unit: str  # pages, chapters, percent, or "" for a bare number (read in the plan's unit)
    value: int
    done: bool = False


def read_position(text: str) -> tuple[Position, str] | None:
    """The position at the start of `text` and the rest (a note); None when there is none."""
    match = _POSITION.match(text.strip())
    if match is None:
        return None
    rest = text.strip()[match.end() :].strip()
    if match["done"]:
        return Position("percent", 100, done=True), rest
    if match["page"]:
        return Position("pages", int(match["page_n"])), rest
    if match["chapter"]:
        return Position("chapters", int(match["chapter_n"])), rest
    if match["percent_n"]:
        return Position("percent", int(match["percent_n"])), rest
    return Position("", int(match["bare"])), rest


class PositionError(ValueError):
    """Why a position cannot be placed in a book: "no-count" (its unit has no known count;
    `unit` names it) or "beyond" (past the end; `total` is the count)."""

    def __init__(self, reason: str, unit: str, total: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unit = unit
        self.total = total


def fraction_of(position: Position, counts: dict[str, int | None]) -> float:
    """How far into the book a position is (0 to 1), from the counts the reading knows."""
    total = counts.get(position.unit) if position.unit != "percent" else 100
    if not total:
        raise PositionError("no-count", position.unit)
    if position.value > total:
        raise PositionError("beyond", position.unit, total)
    return position.value / total
