"""Members' ratings and reviews as shown on a book's card (/book, /recommend today)."""

from __future__ import annotations

from dataclasses import replace

from babel.numbers import format_decimal

from bot.api.context import Context
from bot.api.replies import Field, Reply
from bot.api.text import Text
from cogs.shelf.store import ShelfStore

REVIEW_SHOWN = 160  # characters of a review on the card


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count)


async def with_ratings(ctx: Context, book_id: int, reply: Reply) -> Reply:
    """The card with its members' average rating and latest reviews added, when there are any."""
    shelf = ShelfStore(ctx.store)
    count, average = await shelf.rating_summary(book_id)
    if not count:
        return reply
    summary = ctx.ngettext(
        "{average} of 5 from {count} member", "{average} of 5 from {count} members", count
    ).format(average=format_decimal(round(average, 1), "0.0", locale=ctx.locale), count=count)
    fields = [Field(ctx._("Members' rating"), Text.plain(summary))]
    reviews = await shelf.reviews(book_id)
    if reviews:
        lines = [
            Text.format(
                "“{review}” — {name} {stars}",
                review=_cut(r.review),
                name=r.name,
                stars=stars(r.stars),
            )
            for r in reviews
        ]
        fields.append(Field(ctx._("Reviews"), Text.join(lines, "\n")))
    return replace(reply, fields=reply.fields + tuple(fields))


def _cut(review: str) -> str:
    return review if len(review) <= REVIEW_SHOWN else review[: REVIEW_SHOWN - 1] + "…"
