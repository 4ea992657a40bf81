"""The book of the day: the same book all day for a community, another one tomorrow.

Deterministic, so a scheduled post and a member asking with /recommend today agree, and a
restart changes nothing: a hash of the community and the date picks a point in the catalog and
the first book from there with a copy on the shelf is the one (by the primary key: bounded).
"""

from __future__ import annotations

import hashlib
from datetime import date

from bot.catalog.store import Book, Catalog


async def book_of_the_day(catalog: Catalog, community: str, day: date) -> Book | None:
    """The day's book for `community` (any stable name: a community's id, "private")."""
    store = catalog.store
    top = int(await store.fetchval("SELECT coalesce(max(id), 0) FROM books"))
    if top == 0:
        return None
    digest = hashlib.sha256(f"{community}|{day.isoformat()}".encode()).digest()
    start = 1 + int.from_bytes(digest[:8], "big") % top
    book_id = await store.fetchval(
        "SELECT id FROM books WHERE id >= ? AND available > 0 ORDER BY id LIMIT 1", (start,)
    )
    if book_id is None:  # nothing on the shelf after that point: the first from the start
        book_id = await store.fetchval(
            "SELECT id FROM books WHERE available > 0 ORDER BY id LIMIT 1"
        )
    if book_id is None:  # nothing on the shelf at all: any book
        book_id = await store.fetchval("SELECT id FROM books WHERE id >= ? LIMIT 1", (start,))
    return await catalog.book(int(book_id)) if book_id is not None else None
