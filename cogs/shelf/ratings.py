"""Members' ratings and reviews as shown on a book's card (/book, /recommend today): the
shelf's answer to the catalog's `CardExtras`."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.api.replies import Field
from bot.api.text import Text
from cogs.catalog.public import CardExtras
from cogs.shelf.store import ShelfStore

REVIEW_SHOWN = 160  # characters of a review on the card


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count)


async def rating_fields(extras: CardExtras) -> tuple[Field, ...]:
    """The members' average rating and latest reviews of the book, when there are any."""
    ctx, book_id = extras.ctx, extras.book.id
    shelf = ShelfStore(ctx.store)
    count, average = await shelf.rating_summary(book_id)
    if not count:
        return ()
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
    return tuple(fields)


def _cut(review: str) -> str:
    return review if len(review) <= REVIEW_SHOWN else review[: REVIEW_SHOWN - 1] + "…"
