"""The words of the catalog's titles and authors, for correcting a misspelt search.

``catalog_words`` holds each word of a title or an author's name with the number of times the
catalog uses it there; the catalog store keeps it in step with ``books`` in the same
transaction as every write (`word_counts` counts a batch in one pass over its text, which keeps
an import's cost small), and bumps ``catalog_words_generation`` when it changes.

A misspelt word is compared, in memory, with the catalog words of about its length that start as
it does (the same first letter; or its second letter first, for a first letter doubled or
swapped; or its first letter second, for a first letter dropped), by rapidfuzz's
optimal-string-alignment distance (a swap of two letters is one edit). Only a wrong first letter
is missed, which people rarely type, and the comparison is ten times faster than with every word
of the length (bench/catalog_search.py measures it against that and against an FTS5 trigram
index): a few milliseconds for several hundred thousand words. The words are loaded once per
store and again only when the generation moved, so an import in another process is seen by the
next search.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.catalog.postgres_search import expected_share, first_matches
from bot.storage.dialect import fts_query
from bot.storage.folding import fold
from bot.storage.store import Store, Transaction

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # as FTS5's unicode61 tokenizer splits text
CANDIDATES = 3  # corrections offered for one word, the most used first


def words(text: str) -> set[str]:
    """The words of `text` as the full-text index has them: lower case, accents and modifier
    letters removed."""
    return set(_words(text))


def _words(text: str) -> list[str]:
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", fold(text.casefold()) or "")
    return _WORD.findall("".join(c for c in decomposed if not unicodedata.combining(c)))


def word_counts(books: Iterable[tuple[str, str]]) -> Counter[str]:
    """How many times these books' titles and authors (the stored JSON text, as the full-text
    index reads it) use each word."""
    counts: Counter[str] = Counter()
    plain_text = []
    for title, authors in books:
        for text in (title, authors):
            if text.isascii():
                plain_text.append(text)
            else:
                counts.update(_words(text))
    counts.update(_ASCII_WORD.findall(" ".join(plain_text).lower()))
    return counts


async def apply_counts(tx: Transaction, added: Counter[str], removed: Counter[str]) -> None:
    """Add the words of books written, take away those of books changed or deleted."""
    delta = Counter(added)
    delta.subtract(removed)
    changes = [(word, n) for word, n in delta.items() if n]
    if not changes:
        return
    await tx.executemany(
        "INSERT INTO catalog_words (word, uses) VALUES (?, ?)"
        " ON CONFLICT (word) DO UPDATE SET uses = uses + excluded.uses",
        changes,
    )
    gone = [(word,) for word, n in changes if n < 0]
    if gone:
        await tx.executemany("DELETE FROM catalog_words WHERE word = ? AND uses <= 0", gone)
    await tx.execute("UPDATE catalog_words_generation SET generation = generation + 1")


def max_edits(word: str) -> int:
    """How many edits a word may be off: none under 4 letters, 1 up to 5, then 2."""
    return 0 if len(word) < 4 else 1 if len(word) <= 5 else 2


@dataclass
class Words:
    """The vocabulary in memory: the words by (1, first letter, length) and by (2, second
    letter, length), and how many times each is used."""

    generation: int = 0
    by_start: dict[tuple[int, str, int], list[str]] = field(default_factory=dict)
    uses: dict[str, int] = field(default_factory=dict)

    def add(self, word: str, uses: int) -> None:
        self.by_start.setdefault((1, word[0], len(word)), []).append(word)
        if len(word) > 1:
            self.by_start.setdefault((2, word[1], len(word)), []).append(word)
        self.uses[word] = uses


_loaded: weakref.WeakKeyDictionary[Store, Words] = weakref.WeakKeyDictionary()


async def _vocabulary(store: Store) -> Words:
    generation = int(await store.fetchval("SELECT generation FROM catalog_words_generation"))
    loaded = _loaded.get(store)
    if loaded is None or loaded.generation != generation:
        loaded = Words(generation)
        for word, uses in await store.fetchall("SELECT word, uses FROM catalog_words"):
            loaded.add(word, uses)
        _loaded[store] = loaded
    return loaded


async def known(store: Store, word: str) -> bool:
    """Whether the full-text index has this word anywhere (titles, authors, subjects, text)."""
    if store.dialect == "postgresql":
        share = await expected_share(store, [word], prefix=False)
        return bool(await first_matches(store, fts_query(f'"{word}"'), 1, share=share))
    return bool(await store.fetchval("SELECT 1 FROM books_vocab WHERE term = ?", (word,)))


async def corrections(store: Store, word: str) -> list[str]:
    """Catalog words within `max_edits` of `word`: the closest first, then the most used."""
    return closest(word, await _vocabulary(store))


def closest(word: str, vocabulary: Words) -> list[str]:
    """`corrections` over words already loaded."""
    limit = max_edits(word)
    if not limit:
        return []
    found: dict[str, int] = {}
    starts = {(1, word[0]), (1, word[1]), (2, word[0])}
    for length in range(len(word) - limit, len(word) + limit + 1):
        for place, letter in starts:
            choices = vocabulary.by_start.get((place, letter, length), ())
            for choice, distance, _ in process.extract(
                word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                found[choice] = int(distance)
    ranked = sorted((d, -vocabulary.uses[w], w) for w, d in found.items())
    return [choice for *_, choice in ranked[:CANDIDATES]]
