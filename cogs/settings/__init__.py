"""Community settings moderators change from chat: the default language and the timezone."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.settings.commands import Settings


def setup(package: FeaturePackage) -> None:
    package.personal_data()  # stores nothing about members
    package.serve(Settings)
