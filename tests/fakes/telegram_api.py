"""A loopback Telegram Bot API server, enough for the real python-telegram-bot to talk to.

Requests are POSTs to ``/bot{token}/{method}`` with form-encoded (or JSON) bodies, nested objects as
JSON strings; answers are ``{"ok": true, "result": ...}``. Tests push updates with `push_update`
and read what the bot sent from `calls`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve_loopback

BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Pustaka",
    "username": "PustakaBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    """When the request reached the server (time.monotonic)."""
    result: Any = None
    """What the server answered (a sent message, with its message_id), once it has."""


@dataclass
class FakeTelegram:
    token: str = "123456789:TEST-token-for-the-loopback-server-xyz"
    calls: list[Call] = field(default_factory=list)
    admins: dict[int, list[int]] = field(default_factory=dict)
    forums: set[int] = field(default_factory=set)
    """Chat ids of groups that are forums (topics can be created there)."""
    fail_next: dict[str, dict[str, Any]] = field(default_factory=dict)
    """method -> error answer for its next call, e.g. a 429 with retry_after."""
    failures: list[tuple[str, float]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    """Chats that refuse the bot's messages (blocked by the member, or the bot removed)."""
    group_limit: int | None = None
    """Messages a group may get in a minute, as Telegram's flood control counts them (about 20):
    one more is answered 429 with `retry_after`, and counted in `floods`."""
    answer_delay: float = 0.0
    """Seconds a sent message is held (recorded, not yet answered): a send cut mid-flight."""
    """file_id -> content, downloadable through getFile as members' documents are."""
    kicked: set[int] = field(default_factory=set)
    """Chat ids the bot was removed from: sending there answers 403."""
    channels: set[int] = field(default_factory=set)
    """Chat ids that are channels (messages sent there come back from a channel)."""

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._poll_ids = itertools.count(1)
        self.polls: dict[tuple[int, int], dict[str, Any]] = {}
        """Polls sent, by (chat id, message id); stopPoll closes them."""
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.fetches = 0
        self.floods = 0
        """Sends refused by the per-group flood limit (`group_limit`)."""
        self._group_sends: dict[int, list[float]] = {}
        """getUpdates calls served."""

    # Server -------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, self.port = await serve_loopback(app, port)

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer({"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params)
        if method != "getUpdates":
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        if params.get("chat_id") and int(params["chat_id"]) in self.kicked:
            return _answer(
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was kicked from the supergroup chat",
                }
            )
        failure = self.fail_next.pop(method, None) or self._flood(method, params)
        if failure is not None:
            self.failures.append((method, time.monotonic()))
            return _answer(failure)
        handler = getattr(self, f"_api_{method}", None)
        result = await handler(params) if handler else True
        if isinstance(result, web.Response):
            return result
        call.result = result
        return _answer({"ok": True, "result": result})

    def _flood(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        chat = int(params.get("chat_id") or 0)
        if self.group_limit is None or chat >= 0 or not method.startswith("send"):
            return None
        now = time.monotonic()
        recent = [t for t in self._group_sends.get(chat, []) if now - t < 60]
        if len(recent) >= self.group_limit:
            self.floods += 1
            wait = int(60 - (now - recent[0])) + 1
            return {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {wait}",
                "parameters": {"retry_after": wait},
            }
        self._group_sends[chat] = [*recent, now]
        return None

    async def _download(self, request: web.Request) -> web.Response:
        content = self.files.get(request.match_info["path"].removeprefix("documents/"))
        if request.match_info["token"] != self.token or content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        file_id = str(params["file_id"])
        if file_id not in self.files:
            return _answer(
                {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            )
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    # Test helpers -------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update["update_id"]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        within: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `where`) have arrived; return them."""

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(matching()) >= count), within)
        return matching()

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # API methods --------------------------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        self.fetches += 1
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            timeout = min(float(params.get("timeout") or 0), 1.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        return list(self._updates)

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if int(params.get("chat_id") or 0) in self.blocked:
            return _answer(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"}
            )
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return self._message(params, text=params.get("text", ""))

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        message = self._message(params)
        message["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 1, "height": 1}]
        if params.get("caption"):
            message["caption"] = params["caption"]
        return message

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        message = self._message(params)
        sent = params.get("document") or {}
        message["document"] = {
            "file_id": "d1",
            "file_unique_id": "d1",
            "file_name": sent.get("filename", ""),
            "file_size": len(sent.get("content", b"")),
        }
        return message

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        message = self._message(params, text=params.get("text", ""))
        message["message_id"] = int(params.get("message_id") or 0)
        return message

    async def _api_editMessageCaption(  # noqa: N802
        self, params: dict[str, Any]
    ) -> dict[str, Any]:
        message = self._message(params, caption=params.get("caption", ""))
        message["message_id"] = int(params.get("message_id") or 0)
        message["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 1, "height": 1}]
        return message

    async def _api_deleteMessage(self, params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    async def _api_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        message = self._message(params)
        options = params.get("options") or []
        message["poll"] = {
            "id": f"poll-{next(self._poll_ids)}",
            "question": params.get("question", ""),
            "options": [
                {
                    "text": o if isinstance(o, str) else o.get("text", ""),
                    "voter_count": 0,
                    "persistent_id": str(i),
                }
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous") in (True, "true", "True"),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        if params.get("correct_option_ids") is not None:
            message["poll"]["correct_option_ids"] = params["correct_option_ids"]
        self.polls[(int(params["chat_id"]), message["message_id"])] = message["poll"]
        return message

    async def _api_stopPoll(self, params: dict[str, Any]) -> Any:  # noqa: N802
        poll = self.polls.get((int(params["chat_id"]), int(params["message_id"])))
        if poll is None or poll["is_closed"]:
            description = "poll has already been closed" if poll else "message to stop not found"
            return _answer(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
            )
        poll["is_closed"] = True
        return poll

    async def _api_createForumTopic(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if int(params["chat_id"]) not in self.forums:
            return _answer(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: the chat is not a forum",
                }
            )
        return {
            "message_thread_id": next(self._message_ids),
            "name": params["name"],
            "icon_color": 7322096,
        }

    async def _api_getChatAdministrators(  # noqa: N802
        self, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        chat = int(params["chat_id"])
        return [
            {
                "status": "administrator",
                "user": {"id": uid, "is_bot": False, "first_name": f"Admin{uid}"},
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
            for uid in self.admins.get(chat, [])
        ]

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params.get("chat_id") or 0)
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if chat_id < 0:
            chat["title"] = "Klub Baca"
        if chat_id in self.channels:
            chat.update(type="channel", title="Kanal Perpustakaan")
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            **extra,
        }
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        return message


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw = await request.json()
    else:
        raw = dict(await request.post())
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, web.FileField):  # a file the bot sends: name and content
            value = {"filename": value.filename, "content": value.file.read()}
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


def _answer(payload: dict[str, Any]) -> web.Response:
    """Like the real server, an error answer carries its code as the HTTP status too."""
    return web.Response(
        text=json.dumps(payload),
        status=int(payload.get("error_code", 200)),
        content_type="application/json",
    )


# Update builders ----------------------------------------------------------------------------


def user(uid: int = 1001, first_name: str = "Sari", language: str | None = "id") -> dict[str, Any]:
    data: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
    if language:
        data["language_code"] = language
    return data


def private_chat(uid: int = 1001) -> dict[str, Any]:
    return {"id": uid, "type": "private", "first_name": "Sari"}


def group_chat(chat_id: int = -100500, title: str = "Klub Baca", forum: bool = False):
    chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": title}
    if forum:
        chat["is_forum"] = True
    return chat


def text_message(
    text: str,
    *,
    chat: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
    thread: int | None = None,
    message_id: int = 10,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A member's message; `reply_to` the message it replies to (as the bot sent it)."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat or private_chat(),
        "from": sender or user(),
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if thread is not None:
        message["message_thread_id"] = thread
        message["is_topic_message"] = True
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"message": message}


def document_message(
    caption: str,
    file_id: str,
    file_name: str,
    size: int,
    *,
    chat: dict[str, Any] | None = None,
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A member sends a file with a command as its caption (put the bytes in FakeTelegram.files)."""
    message = text_message(caption, chat=chat, sender=sender)["message"]
    message["caption"] = message.pop("text")
    if "entities" in message:
        message["caption_entities"] = message.pop("entities")
    message["document"] = {
        "file_id": file_id,
        "file_unique_id": file_id,
        "file_name": file_name,
        "file_size": size,
    }
    return {"message": message}


def callback_press(
    data: str,
    *,
    message: dict[str, Any],
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": "cb-1",
            "from": sender or user(),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
    }
