"""A loopback Discord REST API and gateway, enough for the real discord.py to run against.

Point discord.py at it with `patch()`. Tests dispatch interactions with `slash`, `press` and
`autocomplete`, and read what the bot sent from `calls` (method, path, JSON body).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yarl
from aiohttp import WSMsgType, web

from tests.fakes.loopback import serve_loopback

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD_ID = "910000000000000001"
CHANNEL_ID = "920000000000000001"
EVERYONE = str(1024 | 2048 | 65536)  # a new server's members see channels, write, read history
OWNER_ID = "930000000000000001"

BOT_USER = {
    "id": BOT_ID,
    "username": "Pustaka",
    "discriminator": "0",
    "global_name": "Pustaka",
    "avatar": None,
    "bot": True,
    "flags": 0,
}
MANAGE_GUILD = 1 << 5


def user(uid: str = "940000000000000001", name: str = "sari") -> dict[str, Any]:
    return {
        "id": uid,
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "flags": 0,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Call:
    method: str
    path: str
    body: Any


@dataclass
class GatewaySession:
    """A gateway session as Discord keeps it: its events (numbered per session) buffered for a
    RESUME, through a connection or, after one dropped without close 1000/1001, none until it
    is resumed or expires."""

    session_id: str
    shard: tuple[int, int]
    socket: web.WebSocketResponse | None
    events: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0
    dropped_at: float | None = None
    """When its connection dropped (loop time), while it is resumable."""
    ended: bool = False


@dataclass
class FakeDiscord:
    token: str = "fake-discord-token.for-tests.loopback"
    calls: list[Call] = field(default_factory=list)
    closed_dms: set[str] = field(default_factory=set)
    answer_delay: float = 0.0
    """Seconds a posted message is held (recorded, not yet answered): a send cut mid-flight."""
    forums: set[str] = field(default_factory=set)
    """Channel ids that are forum channels."""
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    threads: list[dict[str, Any]] = field(default_factory=list)
    """Threads the bot opened (its active threads, as Discord lists them)."""
    """Scheduled events by id, as created through the API."""
    roles: list[dict[str, Any]] = field(default_factory=list)
    """Guild roles besides @everyone, sent in GUILD_CREATE."""
    members: dict[str, list[str]] = field(default_factory=dict)
    """Role ids of guild members by user id, served to GET /guilds/{id}/members/{user}."""
    news: set[str] = field(default_factory=set)
    """Channel ids that are announcement channels (their messages can be published)."""
    forbidden: set[str] = field(default_factory=set)
    """Channel ids where the bot lacks permission: posting there answers 403."""
    resumable_for: float = 120.0
    """Seconds a session stays resumable after its connection dropped ("a few minutes")."""

    def __post_init__(self) -> None:
        self._sockets: list[web.WebSocketResponse] = []
        self.shards: dict[web.WebSocketResponse, tuple[int, int]] = {}
        """Each gateway connection's (shard id, shard count), as its IDENTIFY said."""
        self.identifies: list[tuple[int, int]] = []
        self.sessions: dict[str, GatewaySession] = {}
        self._on: dict[web.WebSocketResponse, GatewaySession] = {}
        self.resumes: list[tuple[str, int, str]] = []
        """Each RESUME: (session id, seq, "resumed" or "invalid")."""
        self._session_ids = itertools.count(1)
        self._ids = itertools.count(950000000000000001)
        self.by_nonce: dict[tuple[str, str], dict[str, Any]] = {}
        """Messages sent with ``enforce_nonce``, by (channel, nonce): as Discord does, a second
        message with the same nonce is not posted; the first is answered again."""
        self.posted: list[dict[str, Any]] = []
        """Messages the fake posted in a channel, each once."""
        self.dropped = 0
        """Messages not posted because their nonce was seen before."""
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.identified = asyncio.Event()
        self.port = 0
        self.uploads: dict[str, bytes] = {}

    # Server ---------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        self._runner, self.port = await serve_loopback(app, port)

    async def stop(self) -> None:
        self._closing = True
        for socket in list(self._sockets):
            await socket.close()
        if self._runner:
            await self._runner.cleanup()

    def patch(self, monkeypatch: Any) -> None:
        """Point discord.py's REST routes and gateway at this server."""
        import discord.gateway
        import discord.http

        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{self.port}/api/v10")
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket,
            "DEFAULT_GATEWAY",
            yarl.URL(f"ws://127.0.0.1:{self.port}/gateway"),
        )

    # REST -----------------------------------------------------------------------------------

    async def _attachment(self, request: web.Request) -> web.Response:
        content = self.uploads.get(request.match_info["id"])
        return web.Response(status=404) if content is None else web.Response(body=content)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body: Any = None
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
            elif request.content_type.startswith("multipart/"):
                body = await _multipart(request)
        async with self._changed:
            self.calls.append(Call(request.method, path, body))
            self._changed.notify_all()
        if request.headers.get("Authorization") not in (f"Bot {self.token}", None):
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        answer = self._answer(request.method, path, body)
        if isinstance(answer, web.Response):
            return answer
        if self.answer_delay and request.method == "POST" and path.endswith("/messages"):
            await asyncio.sleep(self.answer_delay)
        return _json(answer)

    def _answer(self, method: str, path: str, body: Any) -> Any:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return BOT_USER
        if path == "/oauth2/applications/@me":
            return {
                "id": APP_ID,
                "name": "Pustaka",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "00",
                "owner": user(OWNER_ID, "owner"),
                "flags": 0,
                "team": None,
                "summary": "",
            }
        if path == "/gateway/bot":
            return {
                "url": f"ws://127.0.0.1:{self.port}/gateway",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        if path == "/gateway":
            return {"url": f"ws://127.0.0.1:{self.port}/gateway"}
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            guild = parts[3] if len(parts) == 5 else None
            return [
                {
                    **command,
                    "id": str(next(self._ids)),
                    "application_id": APP_ID,
                    "version": "1",
                    "guild_id": guild,
                }
                for command in body or []
            ]
        if parts[0] == "interactions" and parts[-1] == "callback":
            message = self._message(CHANNEL_ID, (body or {}).get("data") or {})
            return {
                "interaction": {
                    "id": parts[1],
                    "type": 2,
                    "response_message_id": message["id"],
                    "response_message_loading": False,
                    "response_message_ephemeral": False,
                },
                "resource": {"type": (body or {}).get("type", 4), "message": message},
            }
        if parts[0] == "webhooks":
            return self._message(CHANNEL_ID, body or {})
        if parts[0] == "channels" and parts[-1] == "threads" and method == "POST":
            thread = _thread(str(next(self._ids)), parts[1], body["name"])
            if "message" in (body or {}):
                thread["message"] = self._message(thread["id"], body["message"])
                thread["last_message_id"] = thread["message"]["id"]
            self.threads.append(thread)
            return thread
        if parts[0] == "guilds" and parts[2:] == ["threads", "active"]:
            return {"threads": self.threads, "members": []}
        if parts[0] == "guilds" and len(parts) == 4 and parts[2] == "members":
            if parts[3] not in self.members:
                return _json({"message": "Unknown Member", "code": 10007}, 404)
            return {
                "user": user(parts[3]),
                "roles": self.members[parts[3]],
                "joined_at": _now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
            }
        if parts[0] == "guilds" and len(parts) >= 3 and parts[2] == "scheduled-events":
            return self._scheduled_event(method, parts, body)
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            if parts[1] in self.closed_dms:
                return _json({"message": "Cannot send messages to this user", "code": 50007}, 403)
            if parts[1] in self.forbidden:
                return _json({"message": "Missing Permissions", "code": 50013}, 403)
            nonce = (body or {}).get("nonce") if (body or {}).get("enforce_nonce") else None
            if nonce is not None and (parts[1], str(nonce)) in self.by_nonce:
                self.dropped += 1
                return self.by_nonce[parts[1], str(nonce)]
            message = self._message(parts[1], body or {})
            if nonce is not None:
                self.by_nonce[parts[1], str(nonce)] = message
            self.posted.append(message)
            for thread in self.threads:
                if thread["id"] == parts[1]:
                    thread["last_message_id"] = message["id"]
            return message
        if parts[0] == "channels" and len(parts) == 4 and parts[2] == "messages":
            if parts[1] in self.forbidden:
                return _json({"message": "Missing Permissions", "code": 50013}, 403)
            if method == "DELETE":
                return web.Response(status=204)
            message = self._message(parts[1], body or {})
            message["id"] = parts[3]
            return message
        if parts[0] == "channels" and parts[-1] == "crosspost" and method == "POST":
            message = self._message(parts[1], {})
            message["id"] = parts[3]
            return message
        if parts[0] == "channels" and len(parts) == 2:
            channel = _channel(parts[1])
            if parts[1] in self.news:
                channel["type"] = 5
            if parts[1] in self.forums:
                channel.update(type=15, available_tags=[], default_reaction_emoji=None)
            return channel
        if path == "/users/@me/channels":
            recipient = str(body["recipient_id"])
            return {
                "id": f"7{recipient[1:]}",
                "type": 1,
                "recipients": [user(recipient)],
                "last_message_id": None,
            }
        if parts[0] == "users" and len(parts) == 2:
            return user(parts[1], f"user{parts[1][-3:]}")
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _scheduled_event(self, method: str, parts: list[str], body: Any) -> Any:
        if method == "GET" and len(parts) == 3:
            return list(self.events.values())
        if method == "POST":
            event = {
                "id": str(next(self._ids)),
                "guild_id": parts[1],
                "channel_id": None,
                "creator_id": BOT_ID,
                "name": body["name"],
                "description": body.get("description"),
                "scheduled_start_time": body["scheduled_start_time"],
                "scheduled_end_time": body.get("scheduled_end_time"),
                "privacy_level": body["privacy_level"],
                "status": 1,
                "entity_type": body["entity_type"],
                "entity_id": None,
                "entity_metadata": body.get("entity_metadata"),
                "user_count": 0,
            }
            self.events[event["id"]] = event
            return event
        event = self.events.get(parts[3]) if len(parts) == 4 else None
        if event is None:
            return _json({"message": "Unknown Guild Scheduled Event", "code": 10070}, 404)
        if method == "DELETE":
            del self.events[parts[3]]
            return web.Response(status=204)
        if method == "PATCH":
            event.update({k: v for k, v in body.items() if k in event or k == "entity_metadata"})
        return event

    def _message(self, channel_id: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "channel_id": channel_id,
            "author": BOT_USER,
            "content": data.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": data.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": data.get("flags", 0),
            "components": data.get("components") or [],
        }

    # Gateway --------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            if message["op"] == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif message["op"] == 2:
                await self._identify(socket, message["d"])
            elif message["op"] == 6:
                await self._resume(socket, message["d"])
        self._sockets.remove(socket)
        self.shards.pop(socket, None)
        session = self._on.pop(socket, None)
        if session is not None and session.socket is socket:
            session.socket = None
            # As Discord: a close 1000 or 1001 ends the session; a dropped connection (a killed
            # process sends no close frame) or another code leaves it resumable for a while.
            if socket.close_code in (1000, 1001) and not self._closing:
                session.ended, session.events = True, []
            else:
                session.dropped_at = asyncio.get_running_loop().time()
        return socket

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        shard = data.get("shard") or [0, 1]
        self.shards[socket] = (shard[0], shard[1])
        self.identifies.append((shard[0], shard[1]))
        ours = _shard_of(GUILD_ID, shard[1]) == shard[0]
        session = GatewaySession(f"session-{shard[0]}-{next(self._session_ids)}", shard, socket)
        self.sessions[session.session_id] = session
        self._on[socket] = session
        await self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": BOT_USER,
                "session_id": session.session_id,
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
                "guilds": [{"id": GUILD_ID, "unavailable": True}] if ours else [],
                "application": {"id": APP_ID, "flags": 0},
                "shard": shard,
            },
        )
        if ours:
            guild = _guild(self.roles)
            for channel in guild["channels"]:
                if channel["id"] in self.news:
                    channel["type"] = 5
            await self._send(session, "GUILD_CREATE", guild)
            self.identified.set()

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        """Replay the session's events after `seq`, then RESUMED; op 9 (not resumable) for a
        session unknown, ended or expired, or a wrong token."""
        session = self.sessions.get(str(data.get("session_id")))
        now = asyncio.get_running_loop().time()
        if (
            session is None
            or session.ended
            or data.get("token") != self.token
            or (session.dropped_at is not None and now - session.dropped_at > self.resumable_for)
        ):
            self.resumes.append((str(data.get("session_id")), data.get("seq") or 0, "invalid"))
            await socket.send_str(json.dumps({"op": 9, "d": False}))
            return
        self.resumes.append((session.session_id, data.get("seq") or 0, "resumed"))
        if session.socket is not None and session.socket is not socket:
            self._on.pop(session.socket, None)
            await session.socket.close(code=4000)  # the session moved to the new connection
        session.socket, session.dropped_at = socket, None
        self._on[socket] = session
        self.shards[socket] = session.shard
        for frame in session.events:
            if frame["s"] > (data.get("seq") or 0):
                await socket.send_str(json.dumps(frame))
        await self._send(session, "RESUMED", {})

    async def _send(self, session: GatewaySession, event: str, data: Any) -> None:
        """Number and buffer an event of the session; send it when a connection holds it."""
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        if session.socket is not None:
            with contextlib.suppress(ConnectionError, RuntimeError):  # dropped: kept for a RESUME
                await session.socket.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Any) -> None:
        """To every live session of the shard the event's guild is on (direct messages: shard
        0), as Discord routes them: one whose connection dropped buffers it for a RESUME."""
        guild = data.get("guild_id") if isinstance(data, dict) else None
        now = asyncio.get_running_loop().time()
        for session in list(self.sessions.values()):
            if session.ended or (
                session.dropped_at is not None and now - session.dropped_at > self.resumable_for
            ):
                continue
            shard, count = session.shard
            if (_shard_of(guild, count) if guild else 0) == shard:
                await self._send(session, event, data)

    # Interactions a test sends ----------------------------------------------------------------

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        member: dict[str, Any] | None,
        locale: str,
        permissions: int,
        extra: dict[str, Any] | None = None,
        roles: list[dict[str, Any]] | None = None,
        dm: bool = False,
    ) -> tuple[str, dict[str, Any]]:
        interaction_id = str(next(self._ids))
        payload = {
            "id": interaction_id,
            "application_id": APP_ID,
            "type": kind,
            "token": f"token-{interaction_id}",
            "version": 1,
            "data": data,
            "guild_id": GUILD_ID,
            "channel_id": CHANNEL_ID,
            "channel": _channel(CHANNEL_ID),
            "member": {
                "user": member or user(),
                "roles": [role["id"] for role in roles or []],
                "joined_at": _now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "permissions": str(permissions),
            },
            "locale": locale,
            "guild_locale": "id",
            "app_permissions": str((1 << 50) - 1),
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD_ID},
            "context": 0,
            "attachment_size_limit": 26214400,
            **(extra or {}),
        }
        if dm:
            # In a direct message there is no guild and no member, only the user and the DM.
            for key in ("guild_id", "member", "guild_locale"):
                payload.pop(key)
            recipient = payload["user"] = member or user()
            payload["channel_id"] = f"7{recipient['id'][1:]}"
            payload["channel"] = {
                "id": payload["channel_id"],
                "type": 1,
                "recipients": [recipient],
                "last_message_id": None,
            }
            payload["authorizing_integration_owners"] = {"1": recipient["id"]}
            payload["context"] = 1
        return interaction_id, payload

    async def slash(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        member: dict[str, Any] | None = None,
        locale: str = "id",
        permissions: int = 0,
        roles: list[dict[str, Any]] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        dm: bool = False,
    ) -> str:
        """Run /name as a member; returns the interaction id. `files` maps an attachment
        option's name to (file name, content), served from the fake's CDN."""
        interaction_id, payload = self.slash_payload(
            name,
            options,
            member=member,
            locale=locale,
            permissions=permissions,
            roles=roles,
            files=files,
            dm=dm,
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    def slash_payload(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        member: dict[str, Any] | None = None,
        locale: str = "id",
        permissions: int = 0,
        roles: list[dict[str, Any]] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        dm: bool = False,
    ) -> tuple[str, dict[str, Any]]:
        """The interaction /name would be, not sent: its id and payload."""
        data: dict[str, Any] = {
            "id": str(next(self._ids)),
            "name": name,
            "type": 1,
            "options": options or [],
        }
        if files:
            resolved = {}
            for option, (filename, content) in files.items():
                upload = str(next(self._ids))
                self.uploads[upload] = content
                resolved[upload] = {
                    "id": upload,
                    "filename": filename,
                    "size": len(content),
                    "url": f"http://127.0.0.1:{self.port}/attachments/{upload}/{filename}",
                    "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{upload}/{filename}",
                }
                target = data["options"]
                if target and target[0].get("type") in (1, 2):
                    target = target[0]["options"]
                target.append({"type": 11, "name": option, "value": upload})
            data["resolved"] = {"attachments": resolved}
        return self._interaction(2, data, member, locale, permissions, roles=roles, dm=dm)

    async def press(
        self,
        custom_id: str,
        *,
        member: dict[str, Any] | None = None,
        locale: str = "id",
        permissions: int = 0,
        message: dict[str, Any] | None = None,
    ) -> str:
        """Press a button of a message the bot sent: `message` as posted (from `posted`), or one
        made up that carries only this button."""
        message = message or self._message(
            CHANNEL_ID,
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 2, "label": "x", "custom_id": custom_id}
                        ],
                    }
                ]
            },
        )
        data = {"custom_id": custom_id, "component_type": 2}
        interaction_id, payload = self._interaction(
            3, data, member, locale, permissions, {"message": message}
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    async def reply(
        self, message: dict[str, Any], text: str, *, member: dict[str, Any] | None = None
    ) -> None:
        """A member replies in the channel to `message` (one the bot posted, from `posted`); the
        bot reads only the reference, not the text."""
        author = member or user()
        await self.dispatch(
            "MESSAGE_CREATE",
            {
                **self._message(message["channel_id"], {"content": text}),
                "author": author,
                "guild_id": GUILD_ID,
                "member": {"roles": [], "joined_at": _now(), "deaf": False, "mute": False},
                "type": 19,
                "message_reference": {
                    "type": 0,
                    "message_id": message["id"],
                    "channel_id": message["channel_id"],
                    "guild_id": GUILD_ID,
                },
                "referenced_message": message,
                "mentions": [BOT_USER],
            },
        )

    async def autocomplete(
        self, name: str, options: list[dict[str, Any]], *, locale: str = "id"
    ) -> str:
        data = {"id": str(next(self._ids)), "name": name, "type": 1, "options": options}
        interaction_id, payload = self._interaction(4, data, None, locale, 0)
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    # Reading what the bot sent ----------------------------------------------------------------

    async def wait_for(
        self, where: Callable[[Call], bool], count: int = 1, within: float = 10.0
    ) -> list[Call]:
        def matching() -> list[Call]:
            return [c for c in self.calls if where(c)]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(matching()) >= count), within)
        return matching()

    async def response_to(self, interaction_id: str, within: float = 10.0) -> Call:
        [call] = await self.wait_for(
            lambda c: c.path.startswith(f"/interactions/{interaction_id}/"), within=within
        )
        return call

    async def answer_to(self, interaction_id: str, within: float = 10.0) -> dict[str, Any]:
        """What the member sees: the first response, or, when the bot deferred it (a command
        slower than two seconds, as a chart on a busy machine), the message that follows it."""
        first = (await self.response_to(interaction_id, within)).body or {}
        if first.get("type") != 5:
            return first
        follow = await self.wait_for(
            lambda c: c.path.startswith("/webhooks/") and f"/token-{interaction_id}" in c.path,
            within=within,
        )
        return follow[0].body or {}


def _channel(channel_id: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "guild_id": GUILD_ID,
        "name": "umum",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def _thread(thread_id: str, parent_id: str, name: str) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": 11,
        "guild_id": GUILD_ID,
        "parent_id": parent_id,
        "name": name,
        "owner_id": BOT_ID,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "last_message_id": None,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 10080,
            "archive_timestamp": _now(),
            "locked": False,
        },
    }


def _shard_of(guild_id: str, count: int) -> int:
    """Discord's rule: (guild_id >> 22) % shard_count."""
    return (int(guild_id) >> 22) % count


def _guild(roles: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": GUILD_ID,
        "name": "Klub Baca",
        "icon": None,
        "owner_id": OWNER_ID,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "roles": [
            {
                "id": GUILD_ID,
                "name": "@everyone",
                "permissions": EVERYONE,
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ]
        + [
            {
                "permissions": "0",
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
                **role,
            }
            for role in roles
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": [_channel(CHANNEL_ID)],
        "threads": [],
        "members": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "member_count": 2,
        "large": False,
        "unavailable": False,
        "joined_at": _now(),
        "premium_tier": 0,
        "preferred_locale": "id",
        "system_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
    }


async def _multipart(request: web.Request) -> Any:
    """The JSON payload, with the files sent beside it as ``files``: [(name, content)]."""
    reader = await request.multipart()
    payload: Any = None
    files = []
    async for part in reader:
        if part.name == "payload_json":  # type: ignore[union-attr]
            payload = json.loads(await part.text())  # type: ignore[union-attr]
        elif part.filename:  # type: ignore[union-attr]
            files.append((part.filename, bytes(await part.read())))  # type: ignore[union-attr]
    if isinstance(payload, dict) and files:
        payload["files"] = files
    return payload


def _json(payload: Any, status: int = 200) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json.
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )
