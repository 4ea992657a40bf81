"""Events: book talks and seminars announced, RSVP'd and reminded, exactly once."""

from __future__ import annotations

from bot.api.services import Services
from cogs.events.commands import Events


def setup(services: Services) -> Events:
    return Events(services)
