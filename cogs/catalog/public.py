"""What the catalog feature offers other features: the only module of it they may import.

- How a book is shown: `byline`, `headline` and `after_title` (a title with its byline, without
  a dash when there is no author), `summary` (a line in a list), `label` and `titled` (a button
  naming a book by title and author) and `book_card` (the card with
  whatever other features add to it through `CardExtras`; `card` is the bare card).
- Finding a book from a member's words: `find_book`, `exact_title`, `split_title`, `ask_which`,
  `short` and the `Found` they return.
- `cover_url`: where a book's cover picture is, when known.
- Events the catalog owns: `BookWanted` (a member asked for a book the library lacks or has all
  on loan; publish it with `wanted_missing` or `looked_at`), `BookLookedAt` (a member opened a
  book's card; published by `looked_at`) and `CardExtras` (a book's card is being built; a
  handler returns the fields its feature adds, e.g. members' ratings).

`make test` checks with import-linter that features import one another only through their
public modules and that the features' dependencies have no cycle (pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.api.context import Context
from bot.api.replies import Field, Reply
from bot.catalog.records import CopyStatus
from bot.catalog.store import Book
from bot.config import Config
from cogs.catalog.cards import after_title, byline, card, headline, label, summary, titled
from cogs.catalog.resolve import Found, ask_which, exact_title, find_book, short, split_title

__all__ = [
    "BookLookedAt",
    "BookWanted",
    "CardExtras",
    "Found",
    "after_title",
    "ask_which",
    "book_card",
    "byline",
    "card",
    "cover_url",
    "exact_title",
    "find_book",
    "headline",
    "label",
    "looked_at",
    "short",
    "split_title",
    "summary",
    "titled",
    "wanted_missing",
]


@dataclass(frozen=True, slots=True)
class BookWanted:
    """A member asked for a book the library lacks (`book` is None: `query` is what they typed)
    or has with every copy on loan (`book`)."""

    ctx: Context
    query: str
    book: Book | None


@dataclass(frozen=True, slots=True)
class BookLookedAt:
    """A member opened `book`'s card (found it by its title, or pressed it in a list)."""

    ctx: Context
    book: Book


@dataclass(frozen=True, slots=True)
class CardExtras:
    """A card of `book` is being shown to a member; handlers return a tuple of `Field`s, added
    after the catalog's own in the order the handlers subscribed."""

    ctx: Context
    book: Book


async def wanted_missing(ctx: Context, query: str) -> None:
    """A member asked for `query` and the library has nothing matching it."""
    await ctx.services.events.publish(BookWanted(ctx, query, None))


async def looked_at(ctx: Context, book: Book) -> None:
    """A member looked at `book`: if every copy is on loan, that is a book wanted."""
    await ctx.services.events.publish(BookLookedAt(ctx, book))
    copies = book.copies
    if copies and not book.available and any(c.status is CopyStatus.ON_LOAN for c in copies):
        await ctx.services.events.publish(BookWanted(ctx, book.record.title, book))


async def book_card(
    ctx: Context, book: Book, cover_url: str | None = None, status_at: datetime | None = None
) -> Reply:
    """The book's card with what other features add to it (members' ratings and reviews);
    `status_at`: when its copies were read from the library system."""
    reply = card(ctx, book, cover_url, status_at)
    extras: list[Field] = []
    for fields in await ctx.services.events.publish(CardExtras(ctx, book)):
        extras.extend(fields)
    return replace(reply, fields=reply.fields + tuple(extras)) if extras else reply


def cover_url(config: Config, book: Book) -> str | None:
    """The address of the book's cover: its own (an http(s) address in the catalog), or Open
    Library's medium-size picture for an ``ol:<id>`` cover while Open Library is enabled."""
    cover = book.record.cover
    if not cover:
        return None
    if cover.startswith(("http://", "https://")):
        return cover
    settings = config.openlibrary
    if settings.enabled and cover.startswith("ol:") and cover[3:].isdigit() and int(cover[3:]):
        return f"{settings.covers_url.rstrip('/')}/b/id/{int(cover[3:])}-M.jpg"
    return None
