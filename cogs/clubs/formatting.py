"""How clubs speak: dates, sections and places in a book, in the reader's language.

A :class:`Speaker` is what a message needs to be written in a language and a timezone: a command's
Context is one, and a post the bot makes by itself (a weekly prompt, a vote's result) uses a job
context in the community's language and timezone (:class:`bot.api.jobs.JobContext`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.api import dates
from cogs.clubs.plan import Section

_NOT_A_TAG = re.compile(r"[^\w]+", re.UNICODE)


class Speaker(Protocol):
    locale: str
    timezone: ZoneInfo

    def _(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, count: int) -> str: ...


def date_text(speaker: Speaker, moment: datetime) -> str:
    """``Kamis, 15 Januari 2026, 19.30 WIB``."""
    return dates.moment_text(speaker.locale, moment, speaker.timezone)


def day_text(speaker: Speaker, moment: datetime) -> str:
    """``15 Jan 2026``."""
    return dates.short_date(speaker.locale, moment.astimezone(speaker.timezone).date())


def range_text(speaker: Speaker, section: Section) -> str:
    """What a week's section covers: ``pages 81–160``, ``chapters 4–6``, ``25–50%``."""
    span = f"{section.first}–{section.last}" if section.first != section.last else str(section.last)
    if section.unit == "pages":
        return speaker._("pages {range}").format(range=span)
    if section.unit == "chapters":
        return speaker._("chapters {range}").format(range=span)
    return f"{section.first}–{section.last}%"


def position_text(speaker: Speaker, unit: str, value: int) -> str:
    if unit == "pages":
        return speaker._("page {number}").format(number=value)
    if unit == "chapters":
        return speaker._("chapter {number}").format(number=value)
    if value >= 100:
        return speaker._("finished")
    return f"{value}%"


def hashtag(name: str) -> str:
    """A Telegram hashtag for a club's name: ``Klub Sastra Jumat`` → ``#KlubSastraJumat``."""
    words = [word for word in _NOT_A_TAG.split(name) if word]
    tag = "".join(word[:1].upper() + word[1:] for word in words)
    if not tag or tag.isdigit():
        tag = "Klub" + tag
    return "#" + tag[:60]
