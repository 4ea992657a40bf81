"""Community settings moderators change from chat: the default language and the timezone."""

from __future__ import annotations

from bot.api.services import Services
from cogs.settings.commands import Settings


def setup(services: Services) -> Settings:
    return Settings(services)
