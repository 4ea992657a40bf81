"""The dashboard's statistics, kept a minute (cogs/stats/web.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from cogs.stats.figures import Figures

KEEP = timedelta(minutes=1)
T = TypeVar("T")
Key = tuple[tuple[int, ...], int, datetime | None]
"""The circle, the days, and the end of a past range (None: up to now)."""


class Recent:
    """The figures and charts the page showed in the last minute, by circle, days and language.

    A visit reads the figures twice (the page, then its chart) and a moderator switching
    between 30 and 365 days reads them again: a year of a large community costs a fifth of a
    second each time, which other members' answers would wait for. So the page's numbers may
    be up to a minute old (/stats in the chat is always fresh). Kept per process, in memory."""

    def __init__(self) -> None:
        self.figures: dict[Key, tuple[datetime, Figures]] = {}
        self.charts: dict[tuple[Key, str], tuple[datetime, bytes]] = {}

    def fresh(self, entry: tuple[datetime, T] | None, now: datetime) -> T | None:
        if entry is None or now - entry[0] > KEEP:
            return None
        return entry[1]

    @staticmethod
    def keep(table: dict[Any, tuple[datetime, T]], key: Any, value: T, now: datetime) -> None:
        """Keep `value` under `key`, dropping what is older than a minute."""
        for old in [k for k, (at, _) in table.items() if now - at > KEEP]:
            del table[old]
        table[key] = (now, value)
