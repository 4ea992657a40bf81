"""Where a time is in a line a member typed without quotes: ``Bedah Buku Bumi Manusia Sabtu depan
jam 10 pagi`` → the words ``Sabtu depan jam 10 pagi``.

A time is the longest run of time words (days, months, numbers, hours, periods, "setiap", …) that
reads as one moment or one series; among runs of the same length the first wins. Only runs made
of time words are tried, so a title's ordinary words never reach the (slow) date parser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.time.recurrence import (
    FILLERS,
    MARKERS,
    NUMBERS,
    ORDINALS,
    RecurrenceError,
    is_recurring,
    parse_recurrence,
)
from bot.time.when import MONTHS, NUMBER_WORDS, WEEKDAYS, parse_when

_OTHER_WORDS = (
    "am pm a.m. p.m. jam pukul pkl pkl. at on hari ini besok lusa nanti depan berikutnya next"
    " this today tomorrow tonight pagi siang sore malam wib wita wit tanggal tgl minggu pekan"
    " week noon midnight midday tengah dalam in lagi later from now an menit mnt minute"
    " minutes min mins hour hours day days weeks sejam sehari seminggu sepekan setengah"
    " mulai sejak starting sampai hingga until till kali times x a"
)
_WORDS = {
    *WEEKDAYS,
    *MONTHS,
    *NUMBER_WORDS,
    *ORDINALS,
    *NUMBERS,
    *FILLERS,
    *MARKERS,
    *_OTHER_WORDS.split(),  # noqa: SIM905 - a sentence of words reads better than a list
}
_NUMBERISH = re.compile(r"^(?:\d[\d.:/-]*(?:am|pm|st|nd|rd|th|t\d.*)?|rrule:\S+|dtstart[:=]\S+)$")
_NOT_ALONE = {"an", "in", "on", "at", "x", "the", "kali", "times"}
_LONGEST = 12  # words in one time
_TRIES = 300  # runs read at most, longest first: a line of nothing but time words stays quick
# Any fixed moment will do: the question is whether the words read as a time, not which one.
_NOW = datetime(2026, 1, 1, tzinfo=UTC)
_ZONE = ZoneInfo("Asia/Jakarta")


def is_time_word(word: str) -> bool:
    key = word.casefold().strip(",")
    return key in _WORDS or bool(_NUMBERISH.match(key))


def reads_as_time(words: str) -> bool:
    """Whether `words` name one moment or a repeating time. Bare numbers do not: "40" is a
    number of seats or a page far more often than a year or an hour."""
    if all(word.isdigit() or word in _NOT_ALONE for word in words.casefold().split()):
        return False
    if is_recurring(words):
        try:
            parse_recurrence(words, _NOW, _ZONE)
        except RecurrenceError as error:
            # A series that is readable but ended (or lacks its hour) is still a time.
            return error.reason in {"ended", "time"}
        return True
    return parse_when(words, _NOW, _ZONE) is not None


def only_time(words: str) -> bool:
    """Whether `words` are a time and nothing else (``Season 2026-03-31`` is not: the date
    parser would skip the word it does not know)."""
    return all(map(is_time_word, words.split())) and reads_as_time(words)


def find_time(words: Sequence[str], start: int = 0) -> tuple[int, int] | None:
    """The span ``(first, end)`` of the longest run of `words` from `start` that reads as a time.

    A word typed in quotes arrives whole, so ``"Sabtu depan pukul 10 pagi"`` is one word here and
    is tried as it is."""
    runs: list[tuple[int, int]] = []
    index = start
    while index < len(words):
        if " " in words[index].strip():
            runs.append((index, index + 1))
            index += 1
            continue
        end = index
        while end < len(words) and " " not in words[end].strip() and is_time_word(words[end]):
            end += 1
        if end > index:
            runs.append((index, end))
        index = max(end, index + 1)
    candidates = [
        (first, end)
        for run_start, run_end in runs
        for first in range(run_start, run_end)
        for end in range(min(run_end, first + _LONGEST), first, -1)
    ]
    candidates.sort(key=lambda span: (span[0] - span[1], span[0]))
    for first, end in candidates[:_TRIES]:
        if reads_as_time(" ".join(words[first:end])):
            return _without_echo(words, first, end)
    return None


def _without_echo(words: Sequence[str], first: int, end: int) -> tuple[int, int]:
    """``Klub Baca Sabtu setiap Sabtu 10.00``: a first word said again inside the time belongs
    to the text before it."""
    head = words[first].casefold()
    rest = [word.casefold() for word in words[first + 1 : end]]
    if head in rest and reads_as_time(" ".join(words[first + 1 : end])):
        return first + 1, end
    return first, end
