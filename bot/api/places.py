"""Where a later post goes, as a moderator reads it in a list of what is scheduled (/calendar):
the platform, and whether it goes to a topic or privately. A channel's own name is the
platform's to know, so it is not shown."""

from __future__ import annotations

from collections.abc import Callable

from bot.api.commands import N_
from bot.api.context import Destination

PLATFORM_NAMES = {"console": N_("the console"), "telegram": "Telegram", "discord": "Discord"}


def place_text(_: Callable[[str], str], destination: Destination) -> str:
    """``in the Telegram group``, ``in a Discord thread``, ``privately on Telegram``."""
    platform = _(PLATFORM_NAMES.get(destination.platform, destination.platform))
    if destination.private:
        return _("privately on {platform}").format(platform=platform)
    if destination.thread_id:
        return _("in a topic on {platform}").format(platform=platform)
    return _("in the channel on {platform}").format(platform=platform)
