"""Follow-up messages: features post to a channel or a member outside a direct answer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.api.context import Destination
from bot.api.replies import Reply

log = logging.getLogger("pustaka.messenger")


class Sender(Protocol):
    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        """Post the replies at the destination, rendered for the platform."""


class Messenger:
    """Routes a message to the adapter that serves its platform."""

    def __init__(self) -> None:
        self._senders: dict[str, Sender] = {}

    def register(self, platform: str, sender: Sender) -> None:
        self._senders[platform] = sender

    def unregister(self, platform: str) -> None:
        self._senders.pop(platform, None)

    def serves(self, platform: str) -> bool:
        return platform in self._senders

    async def send(self, destination: Destination, *replies: Reply) -> bool:
        """Deliver now; False (and a log line) when that platform is not running."""
        sender = self._senders.get(destination.platform)
        if sender is None:
            log.warning("not sent: %s is not running (to %s)", destination.platform, destination)
            return False
        await sender.deliver(destination, replies)
        return True
