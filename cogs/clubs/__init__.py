"""Reading clubs: a home per club, a weekly plan with prompts, progress, votes on the next book."""

from __future__ import annotations

from bot.api.services import Services
from cogs.clubs.commands import Clubs


def setup(services: Services) -> Clubs:
    return Clubs(services)
