"""General commands every member meets first: /help, /lang and /about."""

from __future__ import annotations

from bot.api.services import Services
from cogs.general.commands import General


def setup(services: Services) -> General:
    return General(services)
