"""The content calendar: everything the bot will post for a community in the coming weeks,
each item moved, paused, resumed or cancelled by its number (/calendar)."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.calendar import web
from cogs.calendar.commands import Calendar


def setup(package: FeaturePackage) -> None:
    package.personal_data()  # stores nothing about members
    package.serve(Calendar)
    package.page(web.PAGE)
