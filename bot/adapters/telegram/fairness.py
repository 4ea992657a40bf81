"""Handler slots shared fairly between chats.

python-telegram-bot runs at most N updates at once, and a handler holds its slot while its
reply waits for Telegram's flood limits (about 20 messages a minute in a group). A busy group
could so take every slot and leave a member's private question waiting a minute. Here each chat
may use at most `PER_CHAT` slots; only then does an update take one of the `OVERALL` slots, so
whatever one chat is waiting for, the others are answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

PER_CHAT = 4
OVERALL = 64
UNBOUNDED = 1_000_000  # PTB's own gate comes before ours, so it must never be the one that waits


class FairUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, per_chat: int = PER_CHAT, overall: int = OVERALL) -> None:
        super().__init__(UNBOUNDED)
        self.per_chat = per_chat
        self._overall = asyncio.Semaphore(overall)
        self._chats: dict[object, tuple[asyncio.Semaphore, int]] = {}
        self._working: set[asyncio.Task[Any]] = set()

    def cancel_all(self) -> None:
        """At shutdown: stop what is still being handled or waiting for its chat's turn (a
        reply held back by a group's flood limit could keep the process a minute). The inbox
        hands those updates over again at the next start."""
        for task in self._working:
            task.cancel()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_of(update)
        gate, users = self._chats.get(key) or (asyncio.Semaphore(self.per_chat), 0)
        self._chats[key] = (gate, users + 1)
        task = asyncio.current_task()
        if task is not None:
            self._working.add(task)
        try:
            async with gate, self._overall:
                await coroutine
        finally:
            self._working.discard(task)  # type: ignore[arg-type]
            gate, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (gate, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _chat_of(update: object) -> object:
    """The chat an update belongs to; a poll answer (no chat) counts as the voter's own."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None
