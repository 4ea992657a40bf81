"""What the recommend feature offers other features: the only module of it they may import.

- The bundled reading themes: `load_themes` and the `Theme`/`Themes` it returns.
- Picks on a theme: `theme_picks` (books having one of its subjects, varied, the shelf favoured),
  each a `Candidate` (id, title, authors, how many copies are on the shelf …).
- `book_of_the_day`: the same book all day for a community (what /recommend today shows).
- Unmet demand: `most_wanted` (what members asked for that the library lacks or has all on loan,
  the most asked-for first), each a `Demand`.
"""

from __future__ import annotations

import random
from collections.abc import Collection

from bot.storage.store import Store
from cogs.recommend.daily import book_of_the_day
from cogs.recommend.demand import Demand, most_wanted
from cogs.recommend.picks import on_subjects
from cogs.recommend.queries import Candidate
from cogs.recommend.themes import Theme, Themes, load_themes

__all__ = [
    "Candidate",
    "Demand",
    "Theme",
    "Themes",
    "book_of_the_day",
    "load_themes",
    "most_wanted",
    "theme_picks",
]


async def theme_picks(
    store: Store,
    theme: Theme,
    rng: random.Random,
    *,
    count: int,
    language: str | None = None,
    exclude: Collection[int] = (),
) -> list[Candidate]:
    """Up to `count` books on `theme`, drawn with weights (the shelf and `language` favoured),
    never one in `exclude`."""
    return await on_subjects(
        store, theme.subjects, rng, count=count, language=language, exclude=exclude
    )
