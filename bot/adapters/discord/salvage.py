"""Interactions a crash cut between the gateway and the inbox, taken back from the gateway.

Discord sends an interaction once, over the gateway; a process killed after it arrived and before
it was stored loses it. But a connection dropped without a close 1000/1001 (a SIGKILL resets
it) leaves its session resumable for a few minutes, and a RESUME (op 6) replays every event after
a sequence number, then dispatches RESUMED (discord-api-docs, "Resuming"). So each shard's
session is kept in the store (bot/storage/gateway_sessions.py) with a point at or below every
interaction not yet stored (:class:`Points`, moved in the transaction that stores one), and at
the next start, before discord.py identifies, the last run's session is resumed on a connection
of its own: the slash commands and button presses it replays that the inbox does not hold are
stored as the stopped process's, then the connection is closed with 1000, which ends that
session. The inbox's take-up answers them (a follow-up while the token lasts, else messages).

A session no longer resumable (Invalid Session op 9, or a close such as 4007 invalid seq or
4009 timed out) is given up with one line; so is a gateway that does not answer in time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import yarl

from bot.storage import gateway_sessions
from bot.storage.gateway_sessions import Session
from bot.storage.inbox import Inbox
from bot.storage.store import Params

log = logging.getLogger("pustaka.discord")

API_VERSION = 10
WITHIN = 10.0
"""Seconds a salvage may take, replay included (a heartbeat is due after about 41)."""
ABANDONED = 60.0
"""Seconds after which an interaction that arrived but was never stored (discord.py found no
command for it) no longer holds its session's point back."""


@dataclass
class _Arrival:
    shard: int
    session_id: str
    seq: int
    at: float


class Points:
    """Per shard, the sequence number of the interactions received and not yet stored: the
    point kept with the session is below the first of them, or, when none waits, the last one
    received (every interaction up to it is stored)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._waiting: dict[str, _Arrival] = {}
        self._last: dict[int, int] = {}

    def arrived(self, update_id: str, shard: int, session_id: str, seq: int) -> None:
        self._waiting[update_id] = _Arrival(shard, session_id, seq, time.monotonic())
        self._last[shard] = max(seq, self._last.get(shard, 0))

    def advance(self, update_id: str) -> list[tuple[str, Params]]:
        """The statement moving the point as `update_id` is stored (none when it did not come
        from the gateway)."""
        arrival = self._waiting.get(update_id)
        if arrival is None:
            return []
        since = time.monotonic() - ABANDONED
        for gone in [i for i, a in self._waiting.items() if a.at < since]:
            del self._waiting[gone]
        before = [
            a.seq
            for i, a in self._waiting.items()
            if a.shard == arrival.shard and a.session_id == arrival.session_id and i != update_id
        ]
        point = min(before) - 1 if before else self._last[arrival.shard]
        return [gateway_sessions.advance(self.platform, arrival.shard, arrival.session_id, point)]

    def stored(self, update_id: str) -> None:
        self._waiting.pop(update_id, None)


async def salvage(
    inbox: Inbox, token: str, sessions: Sequence[Session], kept_types: Sequence[int]
) -> int:
    """Resume each session once, store the interactions it replays that the inbox lacks (as the
    stopped process's, for the take-up at ready), end it; how many were stored."""
    store = inbox.store
    found = 0
    async with aiohttp.ClientSession() as http:
        for session in sessions:
            try:
                replayed = await asyncio.wait_for(_resume(http, token, session), WITHIN)
            except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as error:
                log.info(
                    "the last run's Discord session (shard %d) could not be resumed (%s)",
                    session.shard,
                    type(error).__name__ if isinstance(error, TimeoutError) else error,
                )
                replayed = []
            if replayed:
                kept = [(str(d["id"]), d) for d in replayed if d.get("type") in kept_types]
                new = await inbox.take(kept, left=True)
                found += len(new)
                if new:
                    log.warning(
                        "%d Discord interactions had reached the last run but were not stored"
                        " when it stopped; taken back from its gateway session (shard %d): %s",
                        len(new),
                        session.shard,
                        " ".join(new[:20]),
                    )
            await gateway_sessions.ended(store, inbox.platform, session.shard, session.session_id)
    return found


async def _resume(
    http: aiohttp.ClientSession, token: str, session: Session
) -> list[dict[str, Any]]:
    """The INTERACTION_CREATE payloads the session replays (none when it cannot be resumed)."""
    url = yarl.URL(session.resume_url).with_query(v=API_VERSION, encoding="json")
    replayed: list[dict[str, Any]] = []
    seq = session.seq
    why = "the gateway closed the connection"
    async with http.ws_connect(url, autoclose=False, max_msg_size=0) as socket:
        try:
            async for frame in socket:
                if frame.type == aiohttp.WSMsgType.CLOSE:
                    why = f"closed {frame.data}"  # 4007 invalid seq, 4009 timed out, …
                    break
                if frame.type != aiohttp.WSMsgType.TEXT:
                    break
                message = json.loads(frame.data)
                op = message.get("op")
                if message.get("s") is not None:
                    seq = message["s"]
                if op == 10:  # Hello
                    resume = {"token": token, "session_id": session.session_id, "seq": session.seq}
                    await socket.send_str(json.dumps({"op": 6, "d": resume}))
                elif op == 1:  # the gateway asks for a heartbeat now
                    await socket.send_str(json.dumps({"op": 1, "d": seq}))
                elif op == 9:
                    why = "invalid session"  # expired, or unknown
                    break
                elif op == 7:
                    why = "asked to reconnect"
                    break
                elif op == 0 and message.get("t") == "INTERACTION_CREATE":
                    replayed.append(message["d"])
                elif op == 0 and message.get("t") == "RESUMED":
                    return replayed
        finally:
            await socket.close(code=1000)  # ends the old session: it is not resumed again
    log.info(
        "the last run's Discord session (shard %d) could no longer be resumed (%s)",
        session.shard,
        why,
    )
    return replayed
