"""Follow-up messages: features post to a channel or a member outside a direct answer.

Also the places and calendar entries features create on a platform: a thread for a reading club
(a forum topic on Telegram, a named room in the console) and a platform's own scheduled event
(Discord). An adapter that cannot do one of them is simply skipped: the feature carries on in the
channel it has.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.api.capabilities import PLAIN, Capabilities
from bot.api.context import Destination
from bot.api.replies import Reply

log = logging.getLogger("pustaka.messenger")


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """An event as a platform's own calendar shows it (Discord scheduled events)."""

    title: str
    start: datetime  # timezone-aware
    end: datetime | None = None
    location: str = ""
    description: str = ""


class Sender(Protocol):
    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        """Post the replies at the destination, rendered for the platform."""


@runtime_checkable
class ThreadOpener(Protocol):
    async def open_thread(self, where: Destination, name: str, first: Reply) -> Destination:
        """Open a thread (or forum post / topic) under `where`, post `first` in it, return it."""


@runtime_checkable
class EventScheduler(Protocol):
    async def schedule_event(self, where: Destination, event: CalendarEvent) -> str:
        """Create the platform's own scheduled event; returns its id on the platform."""

    async def update_event(self, where: Destination, event_id: str, event: CalendarEvent) -> None:
        """Change a scheduled event created before."""

    async def cancel_event(self, where: Destination, event_id: str) -> None:
        """Cancel (delete) a scheduled event created before."""


class Messenger:
    """Routes a message to the adapter that serves its platform."""

    def __init__(self) -> None:
        self._senders: dict[str, Sender] = {}
        self._capabilities: dict[str, Capabilities] = {}
        self._registered = asyncio.Event()

    def register(self, platform: str, sender: Sender) -> None:
        """Route the platform's messages to `sender`, which declares what the platform can do in
        its `capabilities` attribute (none declared: :data:`PLAIN`)."""
        self._senders[platform] = sender
        self._capabilities[platform] = getattr(sender, "capabilities", PLAIN)
        self._registered.set()

    async def wait_for_senders(self, count: int) -> None:
        """Return once `count` platforms are running."""
        while len(self._senders) < count:
            self._registered.clear()
            await self._registered.wait()

    def unregister(self, platform: str) -> None:
        self._senders.pop(platform, None)

    def capabilities(self, where: Destination | str) -> Capabilities:
        """What the platform of `where` (a destination or a platform's name) declared it can do;
        the capabilities stay known after the platform stops, for jobs that run later."""
        platform = where if isinstance(where, str) else where.platform
        return self._capabilities.get(platform, PLAIN)

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

    async def open_thread(self, where: Destination, name: str, first: Reply) -> Destination:
        """A new thread for a club or discussion; where the platform has none, `where` itself
        (after posting `first` there)."""
        sender = self._senders.get(where.platform)
        if not isinstance(sender, ThreadOpener):
            await self.send(where, first)
            return where
        return await sender.open_thread(where, name[:100], first)

    def _calendar(self, where: Destination) -> EventScheduler | None:
        sender = self._senders.get(where.platform)
        return sender if isinstance(sender, EventScheduler) else None

    async def schedule_event(self, where: Destination, event: CalendarEvent) -> str | None:
        """The platform's own calendar entry, or None where the platform has no calendar."""
        calendar = self._calendar(where)
        return await calendar.schedule_event(where, event) if calendar else None

    async def update_event(self, where: Destination, event_id: str, event: CalendarEvent) -> None:
        if calendar := self._calendar(where):
            await calendar.update_event(where, event_id, event)

    async def cancel_event(self, where: Destination, event_id: str) -> None:
        if calendar := self._calendar(where):
            await calendar.cancel_event(where, event_id)
