"""Waiting out a platform that cannot be reached: growing pauses, one log line each way."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

Record = Callable[[str], Awaitable[None]]
"""Keeps the platform's state ("connected", "unreachable") where `pustaka status` reads it."""

FIRST_WAIT = 1.0
MAX_WAIT = 60.0


class Outage:
    """Tells the log once when `platform` becomes unreachable and once when it is back, and
    waits a little longer after each failed try (up to `MAX_WAIT` seconds)."""

    def __init__(self, log: logging.Logger, platform: str, record: Record | None = None) -> None:
        self.log = log
        self.platform = platform
        self.record = record
        self.down = False
        self._wait = FIRST_WAIT

    async def failed(self, error: BaseException) -> None:
        if not self.down:
            self.log.warning(
                "%s is unreachable (%s); trying again with back-off", self.platform, error
            )
            self.down = True
            if self.record:
                await self.record("unreachable")
        await asyncio.sleep(self._wait)
        self._wait = min(self._wait * 2, MAX_WAIT)

    async def succeeded(self) -> None:
        if self.down:
            self.log.warning("%s is reachable again", self.platform)
            self.down = False
            if self.record:
                await self.record("connected")
        self._wait = FIRST_WAIT
