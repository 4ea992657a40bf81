"""Announcements (/announce): a moderator's post to every home of the community — now, at a
time or repeating — with a picture, a link button and a Discord role mention, edited and deleted
everywhere at once."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from cogs.announce import web
from cogs.announce.commands import AnnounceFeature


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.personal_data(
        # A library's announcement stays the library's: it no longer names the moderator.
        Personal(
            "announcements",
            "author_id",
            N_("Announcements you wrote"),
            Forget.ANONYMISE,
            example="substr(body, 1, 60)",
        ),
    )
    package.serve(AnnounceFeature)
    package.page(web.PAGE)
