"""Long polling through the durable inbox: nothing Telegram hands over is lost to a crash.

python-telegram-bot's own polling confirms a batch (the next ``getUpdates`` offset) before its
handlers have finished, so a process killed in between never sees those updates again. Here a
batch is stored in the inbox first and confirmed only by the next call; each update is handed to
the Application and marked done once its handlers have run (a handler in a last group), and one
stored but not finished is handed over again at the next start.

An update the library cannot read (a ``poll_answer`` from a Bot API server older than 9.6, say)
is logged once with its id, marked skipped and confirmed with the rest, so it never stops the
loop. Network failures are waited out (bot/adapters/backoff.py).

In webhook mode (:class:`WebhookReceiver`) an update is stored before Telegram gets its 200 and
handed over the same way, so one the library cannot read is logged once and answered 200 as well
(python-telegram-bot's own webhook answers it 400, and Telegram sends it again and again); what a
stopped run left unfinished is handed over at start (:meth:`InboxPoller.replay`) as well.

Processes sharing a PostgreSQL database each poll; the one that stores an update first handles
it (the others find it known). What a process that stopped was handling is taken over by another
within :data:`~bot.storage.owners.SWEEP` seconds (bot/storage/owners.py).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import NetworkError, RetryAfter
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.warnings import PTBUserWarning

from bot.adapters.backoff import Outage, Record
from bot.storage.inbox import Inbox
from bot.storage.owners import SWEEP

log = logging.getLogger("pustaka.telegram")

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when nothing arrives
DONE_GROUP = 1_000  # after every handler group

# getUpdates is called for its raw JSON, so that one unreadable update cannot fail the batch.
warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)


class InboxPoller:
    def __init__(
        self,
        application: Application,
        inbox: Inbox,
        allowed: Sequence[str],
        record: Record | None = None,
    ) -> None:
        self.application = application
        self.inbox = inbox
        self.allowed = list(allowed)
        self.offset: int | None = None
        self.again: set[str] = set()
        """Updates taken up again at start, until they are finished."""
        self.outage = Outage(log, "Telegram", record)
        application.add_handler(TypeHandler(Update, self._handled), group=DONE_GROUP)

    async def run(self) -> None:
        """Hand over what the last run left unfinished, then poll until cancelled."""
        await self.replay()
        adopting = asyncio.create_task(self.keep_taking_over(), name="telegram-inbox-adopt")
        try:
            await self.poll()
        finally:
            adopting.cancel()
            await asyncio.gather(adopting, return_exceptions=True)

    async def replay(self) -> None:
        """Hand over what the last run stored but did not finish (polling or webhook)."""
        await self.inbox.prune()
        await self._take_over()

    async def keep_taking_over(self) -> None:
        """Until cancelled: on a shared database, hand over every `SWEEP` seconds what a process
        that stopped did not finish (on SQLite, none can stop while this one runs)."""
        if not self.inbox.store.shared:
            await asyncio.Event().wait()
        while True:
            await asyncio.sleep(SWEEP)
            try:
                await self._take_over()
            except Exception:
                log.exception("could not look for a stopped process's Telegram updates")

    async def _take_over(self) -> None:
        unfinished = await self.inbox.unfinished()
        if unfinished:
            log.warning(
                "%d Telegram updates were not finished when the process stopped; taken up again"
                " now (one answered already has its answer sent again, and a chat may get it"
                " twice): %s",
                len(unfinished),
                " ".join(update_id for update_id, _ in unfinished[:20]),
            )
        self.again.update(update_id for update_id, _ in unfinished)
        for update_id, payload in unfinished:
            await self._hand_over(update_id, payload)

    async def poll(self) -> None:
        while True:
            try:
                batch = await self._fetch()
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
                continue
            except NetworkError as error:
                await self.outage.failed(error)
                continue
            await self.outage.succeeded()
            await self._take(batch)

    async def _fetch(self) -> list[dict[str, Any]]:
        result = await self.application.bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self.offset,
                "timeout": POLL_TIMEOUT,
                "allowed_updates": self.allowed,
            },
            read_timeout=POLL_TIMEOUT + 10,
        )
        return [u for u in result if isinstance(u, dict) and "update_id" in u]

    async def receive(self, update: dict[str, Any]) -> None:
        """One update from the webhook: stored, then handed over when new."""
        await self._take([update])

    async def _take(self, batch: list[dict[str, Any]]) -> None:
        """Store the batch, then hand over what is new; the next fetch confirms it."""
        if not batch:
            return
        payloads = {str(u["update_id"]): u for u in batch}
        new = await self.inbox.take(list(payloads.items()))
        self.offset = max(int(u["update_id"]) for u in batch) + 1
        for update_id in new:
            await self._hand_over(update_id, payloads[update_id])

    async def _hand_over(self, update_id: str, payload: dict[str, Any]) -> None:
        try:
            update = Update.de_json(payload, self.application.bot)
        except Exception as error:
            log.error("Telegram update %s could not be read and is skipped: %s", update_id, error)
            await self.inbox.finish(update_id, skipped=True)
            self.again.discard(update_id)
            return
        await self.application.update_queue.put(update)

    async def _handled(self, update: object, _: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            await self.inbox.finish(str(update.update_id))
            self.again.discard(str(update.update_id))


class WebhookReceiver:
    """Telegram's webhook calls: each update stored in the inbox before Telegram gets its 200
    (one Telegram sends again after it was stored is not handled twice), then handed over."""

    SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

    def __init__(self, poller: InboxPoller, listen: str, port: int, secret: str) -> None:
        self.poller = poller
        self.listen = listen
        self.port = port
        self.secret = secret
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/telegram", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        if request.method != "POST":
            return web.Response(status=405)
        if self.secret and request.headers.get(self.SECRET_HEADER) != self.secret:
            return web.Response(status=403)
        try:
            update = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(update, dict) or "update_id" not in update:
            log.error("a Telegram webhook call without an update id is skipped")
            return web.Response(status=200)
        await self.poller.receive(update)
        return web.Response(status=200)


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait (a number of seconds or, as PTB will give, a timedelta)."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
