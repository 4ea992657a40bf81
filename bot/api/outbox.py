"""The durable outbox: what features send later (posts, reminders, private messages) is stored
before it goes out, and goes out in one queue a destination.

:meth:`Outbox.send` stores the message (with the job's send-once key, when it has one), then
delivers it at once when its destination has nothing waiting and its platform's limits allow
(:class:`SendLimits`, declared by the sender as ``send_limits``); otherwise it joins the
destination's queue and the caller goes on. Each queue has its own task, so a chat that is slow
or held back by its platform's limits delays no other chat and no job.

A job's send-once message whose first attempt fails for a passing reason (the connection
dropped) while the job waits is handed back: the row is forgotten and the error raised, so the
job runs again as :meth:`Scheduler.send_once` says (and a quiz asks a question the platform
dropped again, with its whole time, rather than have it arrive late). A refusal
(:class:`Undeliverable`: blocked, removed, gone) and every later failure are the outbox's to
retry and give up.

Each process sends what it stored itself. What a process that stopped left (waiting, or cut
mid-send) is taken over when a platform (re)connects and, on a database several processes share,
every few seconds (:meth:`Outbox.recover`; bot/storage/owners.py), never what a live one holds.

Once the platform took a message, its row is deleted (bot/storage/outbox.py). A message whose
sending fails is tried again after ``RETRY_DELAYS`` and, after the last, given up with one log
line and, for a community's post, a private notice to the platform's moderators
(``[moderators]``). A message cut mid-send by a crash is sent again at the next start: a sender
with ``takes_nonce`` gets the same nonce each time (Discord drops a message whose nonce it has
seen), elsewhere it may reach its chat twice, which the start counts in one log line.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiolimiter import AsyncLimiter

from bot.api import identity, wire
from bot.api.context import Destination
from bot.api.i18n import I18n
from bot.api.replies import Reply
from bot.config import Config
from bot.storage.outbox import OutboxTable, Queued
from bot.storage.owners import SWEEP
from bot.time.clock import Clock

if TYPE_CHECKING:
    from bot.api.messenger import Messenger, Sender

log = logging.getLogger("pustaka.outbox")

RETRY_DELAYS = (30, 120, 600, 1800, 3600)  # seconds before each new attempt; then given up


class Undeliverable(Exception):
    """The platform refused a message for its destination (bot blocked, chat gone, no access)."""


@dataclass(frozen=True, slots=True)
class SendLimits:
    """A platform's sending rules, as (messages, seconds); None where it has none."""

    per_chat: tuple[int, float] | None = None
    per_group: tuple[int, float] | None = None
    overall: tuple[int, float] | None = None


@dataclass(slots=True)
class _Item:
    id: int
    destination: Destination
    replies: tuple[Reply, ...]
    attempts: int
    due_at: datetime


class Outbox:
    def __init__(
        self,
        messenger: Messenger,
        table: OutboxTable,
        clock: Clock,
        config: Config,
        i18n: I18n,
    ) -> None:
        self.messenger = messenger
        self.table = table
        self.clock = clock
        self.config = config
        self.i18n = i18n
        self._queues: dict[str, deque[_Item]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._busy: dict[str, asyncio.Event] = {}  # a message being sent by its caller, by place
        self._known: set[int] = set()
        self._limiters: dict[tuple[str, str, str], AsyncLimiter] = {}
        self._loading: set[asyncio.Task[None]] = set()
        self._to_load: set[str] = set()
        self._platforms: set[str] = set()  # those resumed: where a stopped process's may wait
        self._adopting: asyncio.Task[None] | None = None
        self._delivered: list[int] = []
        self._forgetting: asyncio.Task[None] | None = None

    async def recover(self) -> None:
        """At start, before any platform runs: on a database other processes share, look every
        `SWEEP` seconds for what one that stopped left (at start, a platform's connection takes
        over what the last run left: :meth:`resume`)."""
        if self.table.store.shared and self._adopting is None:
            self._adopting = asyncio.create_task(self._adopt_forever(), name="outbox-adopt")

    async def _adopt_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP)
            for platform in sorted(self._platforms):
                try:
                    await self._load(platform)
                except Exception:
                    log.exception("%s: could not look for a stopped process's messages", platform)

    def _tell_cut(self, platform: str, count: int) -> None:
        if not count:
            return
        sender = self.messenger.sender(platform)
        if getattr(sender, "takes_nonce", False):
            log.warning(
                "%s: %d messages were being sent when the bot stopped; sent again now with"
                " their nonce (the platform drops one it already posted)",
                platform,
                count,
            )
        else:
            log.warning(
                "%s: %d messages were being sent when the bot stopped; sent again now, possibly"
                " duplicated (a chat may get one of them twice)",
                platform,
                count,
            )

    async def send(
        self, destination: Destination, replies: Sequence[Reply], key: str | None = None
    ) -> None:
        """Keep the message, then send it now or after what waits for its destination."""
        while self._to_load:
            self.resume(self._to_load.pop())
        now = self.clock.now()
        where = destination.key()
        sender = self.messenger.sender(destination.platform)
        if (
            sender is None
            or where in self._queues
            or where in self._busy
            or not self._free(destination, sender)
        ):
            message_id = await self.table.add(
                destination.platform, where, wire.dumps(replies), now, key
            )
            self._known.add(message_id)
            self._enqueue(_Item(message_id, destination, tuple(replies), 0, now))
            return
        self._busy[where] = asyncio.Event()
        try:
            message_id = await self.table.add(
                destination.platform, where, wire.dumps(replies), now, key, sending=True
            )
            self._known.add(message_id)
            item = _Item(message_id, destination, tuple(replies), 0, now)
            await self._take_limits(destination, sender)
            if await self._attempt(item, sender, marked=True, hand_back=key is not None):
                return
        finally:
            self._busy.pop(where).set()
        self._enqueue(item)

    def resume(self, platform: str) -> None:
        """A platform (re)connected: what waits for it in the database joins its queues."""
        self._platforms.add(platform)
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # registered while the process is being built: loaded at first use
            self._to_load.add(platform)
            return
        task = asyncio.create_task(self._load(platform), name=f"outbox-load-{platform}")
        self._loading.add(task)
        task.add_done_callback(self._loading.discard)

    async def close(self) -> None:
        """Stop sending; what waits stays in the database for the next start."""
        tasks = [*self._workers.values(), *self._loading]
        if self._adopting is not None:
            tasks.append(self._adopting)
            self._adopting = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        self._queues.clear()
        if self._forgetting is not None:
            await asyncio.gather(self._forgetting, return_exceptions=True)
        await self._forget_delivered()

    async def _load(self, platform: str) -> None:
        """Take over what processes that stopped left for `platform` (the last run, at start)."""
        adopted = [q for q in await self.table.adopt(platform) if q.id not in self._known]
        self._tell_cut(platform, sum(q.cut for q in adopted))
        for queued in adopted:
            self._known.add(queued.id)
            self._enqueue(_item(queued))

    def _enqueue(self, item: _Item) -> None:
        where = item.destination.key()
        self._queues.setdefault(where, deque()).append(item)
        if where not in self._workers:
            self._workers[where] = asyncio.create_task(self._work(where), name=f"outbox {where}")

    async def _work(self, where: str) -> None:
        queue = self._queues[where]
        try:
            while queue:
                item = queue[0]
                sender = await self._sender(item.destination.platform)
                if sending := self._busy.get(where):
                    await sending.wait()  # its caller's message goes first
                wait = (item.due_at - self.clock.now()).total_seconds()
                if wait > 0:
                    await self.clock.sleep(wait)
                    continue  # the platform may have stopped meanwhile
                await self._take_limits(item.destination, sender)
                if await self._attempt(item, sender) or item.attempts > len(RETRY_DELAYS):
                    queue.popleft()
        finally:
            self._workers.pop(where, None)
            if not queue:
                self._queues.pop(where, None)

    async def _sender(self, platform: str) -> Sender:
        while (sender := self.messenger.sender(platform)) is None:
            await self.messenger.wait_for_change()
        return sender

    async def _attempt(
        self, item: _Item, sender: Sender, *, marked: bool = False, hand_back: bool = False
    ) -> bool:
        """Send once; True when the platform took it. A failure is retried later or given up;
        with `hand_back`, one that is not a refusal is forgotten and raised instead, for the
        caller to deal with.
        `marked`: the row was stored already sending (the message goes out as it is stored)."""
        if not marked:
            await self.table.sending(item.id)
        item.attempts += 1
        try:
            if getattr(sender, "takes_nonce", False):
                await sender.deliver(item.destination, item.replies, nonce=f"o{item.id}")  # type: ignore[call-arg]
            else:
                await sender.deliver(item.destination, item.replies)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if hand_back and not isinstance(error, Undeliverable):
                await self.table.forget(item.id)
                self._known.discard(item.id)
                raise
            await self._failed(item, error)
            return False
        self._delivered.append(item.id)
        if self._forgetting is None or self._forgetting.done():
            self._forgetting = asyncio.create_task(self._forget_delivered(), name="outbox-done")
        return True

    async def _forget_delivered(self) -> None:
        """Delete what the platforms took, in batches and off the sender's path: a reply costs
        one write, not two. A crash before the batch is written sends its messages again, as
        one cut mid-send (logged; dropped by Discord by their nonce)."""
        while self._delivered:
            done, self._delivered = self._delivered, []
            await self.table.delivered(done)
            self._known.difference_update(done)

    async def _failed(self, item: _Item, error: Exception) -> None:
        reason = str(error) or type(error).__name__
        if item.attempts <= len(RETRY_DELAYS):
            delay = RETRY_DELAYS[item.attempts - 1]
            item.due_at = self.clock.now() + timedelta(seconds=delay)
            await self.table.retry(item.id, item.due_at, reason)
            log.warning(
                "not delivered to %s (%s); tried again in %d s (attempt %d of %d)",
                _place(item.destination),
                reason,
                delay,
                item.attempts,
                len(RETRY_DELAYS) + 1,
                exc_info=not isinstance(error, Undeliverable) and item.attempts == 1,
            )
            return
        await self.table.give_up(item.id, reason)
        self._known.discard(item.id)
        log.error(
            "given up: message %d to %s after %d attempts (%s)",
            item.id,
            _place(item.destination),
            item.attempts,
            reason,
        )
        if item.destination.community_id is not None and not item.destination.private:
            await self._tell_moderators(item.destination, reason)

    async def _tell_moderators(self, where: Destination, reason: str) -> None:
        """A community's post was given up: its platform's moderators hear of it privately."""
        ids = sorted(getattr(self.config.moderators, where.platform, ()))
        if not ids:
            return
        store = self.table.store
        assert where.community_id is not None
        found = await identity.community_at(store, where.platform, where.community_id)
        locale = (found.locale if found else None) or self.config.bot.locale
        _ = self.i18n.translations(locale).gettext
        notice = Reply.of(
            _(
                "A post for {community} could not be delivered after several attempts and was"
                " given up ({reason}). Check that the bot may still post in that channel."
            ).format(community=found.name if found else where.channel_id, reason=reason),
            title=_("Post not delivered"),
        )
        for moderator in ids:
            await self.send(Destination(where.platform, moderator, private=True), [notice])

    def _free(self, where: Destination, sender: Sender) -> bool:
        return all(limiter.has_capacity() for limiter in self._limiters_for(where, sender))

    async def _take_limits(self, where: Destination, sender: Sender) -> None:
        for limiter in self._limiters_for(where, sender):
            await limiter.acquire()

    def _limiters_for(self, where: Destination, sender: Sender) -> list[AsyncLimiter]:
        limits: SendLimits | None = getattr(sender, "send_limits", None)
        if limits is None:
            return []
        group = where.community_id is not None and not where.private
        found = []
        for name, rule, scope in (
            ("overall", limits.overall, ""),
            ("group", limits.per_group if group else None, where.channel_id),
            ("chat", limits.per_chat, where.channel_id),
        ):
            if rule is None:
                continue
            key = (where.platform, name, scope)
            if key not in self._limiters:
                self._limiters[key] = AsyncLimiter(rule[0], rule[1])
            found.append(self._limiters[key])
        return found


def _item(queued: Queued) -> _Item:
    return _Item(
        queued.id,
        Destination.from_key(queued.destination),
        wire.loads(queued.replies),
        queued.attempts,
        queued.due_at,
    )


def _place(where: Destination) -> str:
    kind = "member" if where.private else "chat"
    return f"{where.platform} {kind} {where.channel_id}" + (
        f" (thread {where.thread_id})" if where.thread_id else ""
    )
