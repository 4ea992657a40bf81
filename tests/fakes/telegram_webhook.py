"""Telegram's side of webhook mode: updates POSTed to the bot's webhook URL, as Telegram does.

Telegram keeps up to ``max_connections`` (40 by default) HTTPS requests open to the webhook at
once, each carrying one update and the ``X-Telegram-Bot-Api-Secret-Token`` header, and sends an
update again, after a pause, until it gets a 2xx answer; an update it got a 2xx for is never sent
again. :class:`WebhookSender` does the same over plain HTTP on loopback, and counts the attempts.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class WebhookSender:
    url: str
    secret: str = ""
    connections: int = 40
    retry_after: float = 0.2
    """Seconds before an update that got no 2xx is sent again."""
    attempts: Counter[int] = field(default_factory=Counter)
    """update_id -> POSTs made for it."""
    refusals: Counter[str] = field(default_factory=Counter)
    """What the failed POSTs got: an HTTP status, or the connection error's name."""
    delivered: int = 0
    """Updates that got their 2xx."""
    spread: list[str] = field(default_factory=list)
    """Without a proxy: these URLs in turn, a POST to the next (a retry too), instead of `url`."""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._urls = itertools.cycle(self.spread or [self.url])

    def update(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` (a message, a callback query…) as an update with the next update id."""
        return {"update_id": next(self._ids), **body}

    async def deliver(self, updates: list[dict[str, Any]], within: float = 300) -> None:
        """POST every update until each got a 2xx, `connections` at a time."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for update in updates:
            queue.put_nowait(update)
        left = len(updates)
        finished = asyncio.Event()
        if not left:
            return
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        timeout = aiohttp.ClientTimeout(total=30)
        connector = aiohttp.TCPConnector(limit=self.connections)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:

            async def send_again(update: dict[str, Any]) -> None:
                await asyncio.sleep(self.retry_after)
                queue.put_nowait(update)

            async def connection() -> None:
                nonlocal left
                pending_retries: set[asyncio.Task[None]] = set()
                while True:
                    update = await queue.get()
                    self.attempts[update["update_id"]] += 1
                    try:
                        url = next(self._urls)
                        async with http.post(url, json=update, headers=headers) as answer:
                            await answer.read()
                            ok = 200 <= answer.status < 300
                            failure = str(answer.status)
                    except (TimeoutError, aiohttp.ClientError) as error:
                        ok, failure = False, type(error).__name__
                    if ok:
                        self.delivered += 1
                        left -= 1
                        if not left:
                            finished.set()
                    else:
                        self.refusals[failure] += 1
                        retry = asyncio.create_task(send_again(update))
                        pending_retries.add(retry)
                        retry.add_done_callback(pending_retries.discard)

            workers = [asyncio.create_task(connection()) for _ in range(self.connections)]
            try:
                await asyncio.wait_for(finished.wait(), within)
            finally:
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
