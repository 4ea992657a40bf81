"""Members' shelves: what they want to read, are reading and have read; ratings and reviews;
book suggestions to the community with upvotes."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from cogs.shelf.commands import ShelfFeature


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.personal_data(
        Personal(
            "shelf",
            "member_id",
            N_("Books on your shelf"),
            example="(SELECT title FROM books WHERE id = book_id)",
        ),
        Personal(
            "ratings",
            "member_id",
            N_("Your ratings and reviews"),
            example="(SELECT title FROM books WHERE id = book_id) || ' ' || stars || '★'",
        ),
        Personal(
            "suggestions",
            "member_id",
            N_("Books you suggested"),
            Forget.ANONYMISE,
            example="(SELECT title FROM books WHERE id = book_id)",
            blank=("note",),
        ),
        Personal("suggestion_votes", "member_id", N_("Suggestions you upvoted"), Forget.ANONYMISE),
    )
    package.serve(ShelfFeature)
