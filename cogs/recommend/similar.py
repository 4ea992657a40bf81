""" "More like this" and personal picks: shared subjects, authors, period and members' co-ratings.

Candidates come from bounded sources only: for each subject and author of the seed book(s), the
matching books nearest the seed in the index (one SQL round trip for all of them), and the
books liked by members who liked the seed (through the ratings keys). The best few are then
loaded and scored exactly:

* each shared subject counts by how rare it is: a subject with few books ("Tetralogi Buru")
  says more than one with very many ("klasik"); rarity is judged from the window itself;
* the same author counts ``SAME_AUTHOR``;
* members' co-ratings count ``log2(1 + members)`` times ``CO_RATED``;
* a year close to the seed's adds up to ``PERIOD``; the same language a little;
* a copy on the shelf multiplies by ``ON_SHELF``.

Every pick keeps the reasons it scored, so the member is told why.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from bot.storage.store import Store
from cogs.recommend.queries import (
    Candidate,
    around,
    candidates,
    column_match,
    liked_together,
)
from cogs.recommend.themes import plain

HALF_WINDOW = 100  # matching books read on each side of the seed, per subject or author
PERSONAL_HALF_WINDOW = 50  # the same for personal picks, which look around several seeds
SUBJECTS_ASKED = 10  # distinct subjects of the seed(s) looked up
AUTHORS_ASKED = 3
SCORED = 80  # candidates loaded and scored exactly
SAME_AUTHOR = 4.0
CO_RATED = 4.0
PERIOD = 1.0
PERIOD_YEARS = 10  # a year within this of the seed's counts as the same period
SAME_LANGUAGE = 0.3
ON_SHELF = 1.1
BROAD = 0.3  # weight of a subject with more books than a window holds
PER_AUTHOR = 3  # picks by one author at most, so a prolific one leaves room for others


@dataclass
class Pick:
    book: Candidate
    score: float = 0.0
    same_author: str | None = None
    liked_with: str | None = None
    """The title of a book whose readers also liked this one (or that the member liked)."""
    co_rated: bool = False
    shared: list[str] = field(default_factory=list)
    period: int | None = None


@dataclass(frozen=True, slots=True)
class Seed:
    book: Candidate
    weight: float = 1.0


Identity = tuple[str, str]  # Candidate.identity: plain title and first author


async def like(
    store: Store,
    book: Candidate,
    *,
    count: int = 5,
    exclude: Collection[int] = (),
    exclude_identities: Collection[Identity] = (),
) -> list[Pick]:
    """Books like `book`, never `book` itself nor another record of it, nor a book in `exclude`
    or another record of one in `exclude_identities` (what the member read)."""
    return await _recommend(store, [Seed(book)], count, exclude, exclude_identities, personal=False)


async def personal(
    store: Store,
    seeds: Sequence[Seed],
    *,
    count: int = 5,
    exclude: Collection[int] = (),
    exclude_identities: Collection[Identity] = (),
) -> list[Pick]:
    """Books for a member from what they liked and shelved; `exclude` holds what they read,
    `exclude_identities` the same as titles and authors, so another edition is left out too."""
    return await _recommend(store, seeds, count, exclude, exclude_identities, personal=True)


async def _recommend(
    store: Store,
    seeds: Sequence[Seed],
    count: int,
    exclude: Collection[int],
    exclude_identities: Collection[Identity],
    *,
    personal: bool,
) -> list[Pick]:
    subjects = _top_keys(((s.weight, s.book.subjects) for s in seeds), SUBJECTS_ASKED)
    authors = _top_keys(((s.weight, s.book.authors) for s in seeds), AUTHORS_ASKED)
    home: dict[str, Seed] = {}
    for seed in seeds:
        for key in (*seed.book.subject_keys, *seed.book.author_keys):
            home.setdefault(key, seed)
    keys = [*subjects, *authors]
    queries = [
        column_match("subjects" if i < len(subjects) else "authors", [key])
        for i, key in enumerate(keys)
    ]
    asked = [(key, query) for key, query in zip(keys, queries, strict=True) if query]
    half = PERSONAL_HALF_WINDOW if personal else HALF_WINDOW
    weight: dict[str, float] = {}
    hits: Counter[int] = Counter()
    by_pivot: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for key, query in asked:
        by_pivot[home[key].book.id].append((key, query))
    for pivot, pairs in by_pivot.items():
        found = await around(store, [q for _, q in pairs], pivot, half)
        for (key, _), (_, ids, complete) in zip(pairs, found, strict=True):
            weight[key] = _rarity(len(ids), complete, half) if key in subjects else SAME_AUTHOR
            for book_id in ids:
                hits[book_id] += weight[key]
    seed_ids = [s.book.id for s in seeds]
    co = await liked_together(
        store, [s.book.id for s in seeds if s.weight >= 1.0] or seed_ids, limit=SCORED
    )
    banned = {*exclude, *seed_ids}
    for book_id, members in co.items():
        hits[book_id] += CO_RATED * math.log2(1 + members)
    shortlist = [b for b, _ in hits.most_common() if b not in banned][:SCORED]
    profile = {k: weight.get(k, 0.0) for k in subjects}
    identities = {s.book.identity for s in seeds} | set(exclude_identities)
    picks = []
    for book in await candidates(store, shortlist):
        if book.identity in identities:
            continue
        pick = _score(book, seeds, profile, set(authors), co.get(book.id, 0), personal)
        if pick.score > 0:
            picks.append(pick)
    picks.sort(key=lambda p: (-p.score, p.book.id))
    chosen: list[Pick] = []
    seen: set[tuple[str, str]] = set()
    by_author: Counter[str] = Counter()
    for pick in picks:
        author = pick.book.identity[1]
        if pick.book.identity in seen or by_author[author] >= PER_AUTHOR:
            continue
        seen.add(pick.book.identity)
        by_author[author] += 1
        chosen.append(pick)
    return chosen[:count]


def _score(
    book: Candidate,
    seeds: Sequence[Seed],
    profile: dict[str, float],
    authors: set[str],
    co_members: int,
    personal: bool,
) -> Pick:
    pick = Pick(book)
    shared = [(profile[plain(s)], s) for s in book.subjects if profile.get(plain(s), 0) > 0]
    pick.score += sum(w for w, _ in shared)
    pick.shared = [s for _, s in sorted(shared, key=lambda item: -item[0])][:3]
    same = [a for a in book.authors if plain(a) in authors]
    if same:
        pick.score += SAME_AUTHOR
        pick.same_author = same[0]
    best = max(seeds, key=lambda s: _overlap(book, s.book) * s.weight)
    if co_members:
        pick.score += CO_RATED * math.log2(1 + co_members)
        pick.liked_with = best.book.title
        pick.co_rated = True
    elif personal and shared:
        pick.liked_with = best.book.title
    if pick.score <= 0:
        return pick
    if book.year and best.book.year and abs(book.year - best.book.year) <= PERIOD_YEARS:
        pick.score += PERIOD * (1 - abs(book.year - best.book.year) / (PERIOD_YEARS + 1))
        pick.period = best.book.year
    if book.language and book.language == best.book.language:
        pick.score += SAME_LANGUAGE
    if book.available:
        pick.score *= ON_SHELF
    return pick


def _overlap(book: Candidate, seed: Candidate) -> float:
    return len(book.subject_keys & seed.subject_keys) + 3 * len(book.author_keys & seed.author_keys)


def _rarity(found: int, complete: bool, half: int) -> float:
    """How much sharing a subject says: more the fewer books carry it."""
    if not complete:
        return BROAD
    return BROAD + math.log((2 * half + 1) / (found + 1))


def _top_keys(weighted: Iterable[tuple[float, Sequence[str]]], limit: int) -> list[str]:
    totals: Counter[str] = Counter()
    for weight, values in weighted:
        for key in {plain(v) for v in values if plain(v)}:
            totals[key] += weight
    return [key for key, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]
