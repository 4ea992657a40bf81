"""Follow-up messages: features post to a channel or a member outside a direct answer.

A post that must be changed or removed later (an announcement) goes through :meth:`Messenger.post`,
which returns the platform's ids of the messages it became, and :meth:`Messenger.edit` and
:meth:`Messenger.delete` act on those ids. These raise :class:`PostFailed` with a reason a
feature can explain (no permission, gone, platform down), where :meth:`Messenger.send` logs and
carries on.

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
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.api.capabilities import PLAIN, Capabilities
from bot.api.context import Destination
from bot.api.replies import Reply

if TYPE_CHECKING:
    from bot.api.outbox import Outbox

log = logging.getLogger("pustaka.messenger")


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """An event as a platform's own calendar shows it (Discord scheduled events)."""

    title: str
    start: datetime  # timezone-aware
    end: datetime | None = None
    location: str = ""
    description: str = ""


class PostFailed(Exception):
    """A post, edit or delete the platform did not take; `reason` is one of the constants
    below, `detail` the platform's own words (for the log and the moderator)."""

    FORBIDDEN = "forbidden"
    """No permission there, or the bot was removed (HTTP 403)."""
    GONE = "gone"
    """The channel or the message no longer exists."""
    UNAVAILABLE = "unavailable"
    """The platform did not answer or answered with its own error; worth trying again."""
    REFUSED = "refused"
    """The platform refused the message itself (too long, a bad link)."""
    NOT_RUNNING = "not running"
    """The bot is not connected to that platform right now."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def worth_retrying(self) -> bool:
        return self.reason != self.REFUSED


class Sender(Protocol):
    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        """Post the replies at the destination, rendered for the platform."""


@runtime_checkable
class Poster(Protocol):
    async def post(self, destination: Destination, reply: Reply) -> list[str]:
        """Post the reply; the ids of the messages it became, first to last. Raises
        :class:`PostFailed`."""

    async def edit(
        self, destination: Destination, message_ids: Sequence[str], reply: Reply
    ) -> None:
        """Replace the messages posted before with the reply (as many as it has)."""

    async def delete(self, destination: Destination, message_ids: Sequence[str]) -> None:
        """Remove the messages posted before; one already gone is no error."""


@runtime_checkable
class ThreadOpener(Protocol):
    async def open_thread(
        self, where: Destination, name: str, first: Reply, *, again: bool = False
    ) -> Destination:
        """Open a thread (or forum post / topic) under `where`, post `first` in it, return it.
        `again`: asked again after a stop, so one the bot opened moments before may be there
        (a platform that can list its threads gives that one back)."""


@runtime_checkable
class EventScheduler(Protocol):
    async def schedule_event(
        self, where: Destination, event: CalendarEvent, *, again: bool = False
    ) -> str:
        """Create the platform's own scheduled event; returns its id on the platform.
        `again` as for :meth:`ThreadOpener.open_thread`."""

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
        self._changes: list[asyncio.Future[None]] = []
        self.outbox: Outbox | None = None
        """Where :meth:`send` keeps messages until their platform took them (bot/api/outbox.py);
        without one (tests of a feature alone), it hands them to the platform directly."""

    def keep_in(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def sender(self, platform: str) -> Sender | None:
        """The running sender of a platform, if it runs."""
        return self._senders.get(platform)

    async def wait_for_change(self) -> None:
        """Until a platform starts or stops."""
        waiter = asyncio.get_running_loop().create_future()
        self._changes.append(waiter)
        await waiter

    def _changed(self) -> None:
        changes, self._changes = self._changes, []
        for waiter in changes:
            if not waiter.done():
                waiter.set_result(None)

    def register(self, platform: str, sender: Sender) -> None:
        """Route the platform's messages to `sender`, which declares what the platform can do in
        its `capabilities` attribute (none declared: :data:`PLAIN`)."""
        self._senders[platform] = sender
        self._capabilities[platform] = getattr(sender, "capabilities", PLAIN)
        self._registered.set()
        self._changed()
        if self.outbox is not None:
            self.outbox.resume(platform)

    async def wait_for_senders(self, count: int) -> None:
        """Return once `count` platforms are running."""
        while len(self._senders) < count:
            self._registered.clear()
            await self._registered.wait()

    def unregister(self, platform: str) -> None:
        self._senders.pop(platform, None)
        self._changed()

    def capabilities(self, where: Destination | str) -> Capabilities:
        """What the platform of `where` (a destination or a platform's name) declared it can do;
        the capabilities stay known after the platform stops, for jobs that run later."""
        platform = where if isinstance(where, str) else where.platform
        return self._capabilities.get(platform, PLAIN)

    def serves(self, platform: str) -> bool:
        return platform in self._senders

    def running(self) -> tuple[str, ...]:
        """The platforms running now."""
        return tuple(self._senders)

    async def send(self, destination: Destination, *replies: Reply, key: str | None = None) -> bool:
        """Deliver through the outbox: now, or after what waits for that destination (a
        ``local`` sender, the console, directly). False (and a log line) when that platform is
        not running. `key`: the send-once key of a job's message
        (:meth:`bot.api.jobs.JobContext.send_once`), marked sent once the platform took it."""
        sender = self._senders.get(destination.platform)
        if sender is None:
            log.warning("not sent: %s is not running (to %s)", destination.platform, destination)
            return False
        if self.outbox is not None and not getattr(sender, "local", False):
            await self.outbox.send(destination, replies, key)
        else:
            await sender.deliver(destination, replies)
        return True

    def _poster(self, where: Destination) -> Poster:
        sender = self._senders.get(where.platform)
        if sender is None:
            raise PostFailed(PostFailed.NOT_RUNNING, where.platform)
        if not isinstance(sender, Poster):
            raise PostFailed(PostFailed.REFUSED, f"{where.platform} cannot edit its posts")
        return sender

    async def post(self, destination: Destination, reply: Reply) -> list[str]:
        """Post now and return the platform's message ids; raises :class:`PostFailed`."""
        return await self._poster(destination).post(destination, reply)

    async def edit(
        self, destination: Destination, message_ids: Sequence[str], reply: Reply
    ) -> None:
        await self._poster(destination).edit(destination, message_ids, reply)

    async def delete(self, destination: Destination, message_ids: Sequence[str]) -> None:
        await self._poster(destination).delete(destination, message_ids)

    async def open_thread(
        self, where: Destination, name: str, first: Reply, *, again: bool = False
    ) -> Destination:
        """A new thread for a club or discussion; where the platform has none, `where` itself
        (after posting `first` there). `again`: the command is handled again after a stop."""
        sender = self._senders.get(where.platform)
        if not isinstance(sender, ThreadOpener):
            await self.send(where, first)
            return where
        return await sender.open_thread(where, name[:100], first, again=again)

    def _calendar(self, where: Destination) -> EventScheduler | None:
        sender = self._senders.get(where.platform)
        return sender if isinstance(sender, EventScheduler) else None

    async def schedule_event(
        self, where: Destination, event: CalendarEvent, *, again: bool = False
    ) -> str | None:
        """The platform's own calendar entry, or None where the platform has no calendar."""
        calendar = self._calendar(where)
        return await calendar.schedule_event(where, event, again=again) if calendar else None

    async def update_event(self, where: Destination, event_id: str, event: CalendarEvent) -> None:
        if calendar := self._calendar(where):
            await calendar.update_event(where, event_id, event)

    async def cancel_event(self, where: Destination, event_id: str) -> None:
        if calendar := self._calendar(where):
            await calendar.cancel_event(where, event_id)
