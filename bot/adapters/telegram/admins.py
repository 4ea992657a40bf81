"""Who administers a Telegram chat, asked with getChatAdministrators and remembered a while."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import TelegramError

from bot.time.clock import Clock

log = logging.getLogger("pustaka.telegram")

ADMINS_TTL = timedelta(minutes=5)


class AdminCache:
    def __init__(self, bot: Bot, clock: Clock, ttl: timedelta = ADMINS_TTL) -> None:
        self._bot = bot
        self._clock = clock
        self._ttl = ttl
        self._known: dict[str, tuple[datetime, frozenset[int]]] = {}

    async def is_admin(self, chat_id: int | str, user_id: int) -> bool:
        return user_id in await self.admins(chat_id)

    async def admins(self, chat_id: int | str) -> frozenset[int]:
        key = str(chat_id)
        now = self._clock.now()
        cached = self._known.get(key)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        try:
            members = await self._bot.get_chat_administrators(int(key))
        except TelegramError as error:
            log.warning("could not list the administrators of %s: %s", key, error)
            return cached[1] if cached else frozenset()
        ids = frozenset(member.user.id for member in members)
        self._known[key] = (now, ids)
        return ids
