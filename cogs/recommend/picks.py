"""Picks on a theme or subject: only books that carry one of its subjects, varied between calls,
favouring what is on the shelf now and what is written in the member's language.

A window of the theme's books is read from a random point of the catalog (bounded, and a new
window each call), checked exactly against the subjects, and drawn from with weights
(Efraimidis–Spirakis: each book's key is ``u ** (1 / weight)``, the largest keys win).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence

from bot.storage.store import Store
from cogs.recommend.queries import Candidate, candidates, column_match, top_id, window
from cogs.recommend.themes import plain

POOL = 200  # books read from the index a call; picks are drawn from those on the theme
ON_SHELF = 3.0  # weight of a book with a copy on the shelf, against 1 for one without
# Weight factor of a book written in the member's language: on the sample catalog an Indonesian
# member asking for "sejarah" gets 4 or 5 Indonesian books in most calls (1 or 2 in a quarter of
# them with a factor of 4), still varied from call to call.
OWN_LANGUAGE = 12.0


async def on_subjects(
    store: Store,
    subjects: Sequence[str],
    rng: random.Random,
    *,
    count: int,
    language: str | None = None,
    exclude: Collection[int] = (),
    exclude_identities: Collection[tuple[str, str]] = (),
) -> list[Candidate]:
    """Up to `count` books having one of `subjects`, drawn at random with weights; never one in
    `exclude` nor another record (title and first author) of one in `exclude_identities`."""
    query = column_match("subjects", subjects)
    if query is None:
        return []
    top = await top_id(store)
    if top == 0:
        return []
    ids = await window(store, query, rng.randint(1, top), POOL)
    wanted = {plain(s) for s in subjects}
    seen: set[tuple[str, str]] = set(exclude_identities)
    fitting = []
    for book in await candidates(store, ids):
        if book.id in exclude or not book.subject_keys & wanted or book.identity in seen:
            continue
        seen.add(book.identity)
        fitting.append(book)
    return draw(fitting, rng, count, language)


def draw(
    books: Sequence[Candidate], rng: random.Random, count: int, language: str | None
) -> list[Candidate]:
    def weight(book: Candidate) -> float:
        value = ON_SHELF if book.available else 1.0
        return value * (OWN_LANGUAGE if language and book.language == language else 1.0)

    keyed = sorted(((rng.random() ** (1 / weight(b)), b.id, b) for b in books), reverse=True)
    return [book for *_, book in keyed[:count]]
