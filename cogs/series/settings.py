"""The ``[series]`` section of config.toml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeriesSettings:
    repeat_weeks: int = 12
    """A weekly recommendation never shows a book it showed in the last this many weeks."""
    books_per_post: int = 3
    """How many books a weekly recommendation shows."""
    arrivals_check_minutes: int = 60
    """How often the new-arrivals digest looks for books a catalog import added."""
