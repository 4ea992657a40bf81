"""Keeping a source's books in step with its whole catalog: what it no longer has goes.

A full-file import (and, later, a full harvest) is the source's whole catalog, so its books that
were not in it have been deleted in the library. They are removed with their copies; members'
shelves, ratings, clubs and wants follow the same book among those kept (same ISBN, else same
title and first author; `sources.remove_books`), else keep their title by their table's rule.

A file cut short or a harvest that read only part of a catalog would look like a mass deletion,
so removing more than a share of the source at once (`MAX_SHARE` unless configured) is refused
with the counts, unless the caller was told it is wanted (`--allow-mass-removal`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.catalog.sources import Removal, remove_books
from bot.storage.store import Store

MAX_SHARE = 0.2  # of a source's books that one reconciliation may remove unless allowed


class MassRemovalRefused(Exception):
    """Reconciling would remove more than the allowed share of a source's books."""

    def __init__(self, counts: Missing) -> None:
        super().__init__(
            f"{counts.missing:,} of the {counts.books:,} books of {counts.source!r}"
            f" ({counts.share:.0%}) are not in it; removing more than {counts.max_share:.0%}"
            " at once needs --allow-mass-removal"
        )
        self.counts = counts


@dataclass(frozen=True, slots=True)
class Missing:
    """How many of a source's books a reconciliation found missing from its catalog."""

    source: str
    books: int
    missing: int
    max_share: float

    @property
    def share(self) -> float:
        return self.missing / self.books if self.books else 0.0


async def reconcile(
    store: Store,
    source: str,
    seen_ids: Collection[str],
    *,
    allow_mass_removal: bool = False,
    max_share: float = MAX_SHARE,
) -> Removal:
    """Remove the books of `source` whose id is not in `seen_ids` (its whole catalog now).

    Raises MassRemovalRefused, removing nothing, when that is more than `max_share` of the
    source's books and `allow_mass_removal` is false.
    """
    rows = await store.fetchall("SELECT id, source_id FROM books WHERE source = ?", (source,))
    gone = [row[0] for row in rows if row[1] not in seen_ids]
    if not gone:
        return Removal(source, 0, 0, 0)
    counts = Missing(source, len(rows), len(gone), max_share)
    if counts.share > max_share and not allow_mass_removal:
        raise MassRemovalRefused(counts)
    async with store.transaction() as tx:
        followed, dropped = await remove_books(tx, gone)
    return Removal(source, len(gone), followed, dropped)
