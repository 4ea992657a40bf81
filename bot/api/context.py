"""What a handler knows about the message it answers, and what it can reach."""

from __future__ import annotations

import gettext
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from bot.api.arguments import UserError
from bot.api.files import Attachment
from bot.api.replies import Reply
from bot.storage import inbox
from bot.storage.store import Atomic

if TYPE_CHECKING:
    from bot.api.capabilities import Capabilities
    from bot.api.commands import Command
    from bot.api.identity import Community, Member
    from bot.api.services import Services
    from bot.storage.store import Store
    from bot.time.clock import Clock

T = TypeVar("T")

Once = Callable[[str, Callable[[Atomic], Any]], Awaitable[Any]]
""":meth:`Context.once` as a feature's store takes it: its write then happens once per update."""

PLATFORMS = ("console", "telegram", "discord")


@dataclass(frozen=True, slots=True)
class Destination:
    """Somewhere a message can be posted now or later.

    A channel (Discord channel or thread, Telegram chat or forum topic, the console room), or a
    member privately when `private` is set, in which case `channel_id` is the member's platform id.
    `key()` turns it into a string a feature can store and `from_key` brings it back.
    """

    platform: str
    channel_id: str
    community_id: str | None = None
    thread_id: str | None = None
    private: bool = False

    def key(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_key(cls, key: str) -> Destination:
        return cls(**json.loads(key))


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message as an adapter hands it to the dispatcher, in platform terms."""

    platform: str
    member_id: str
    display_name: str
    channel_id: str
    text: str
    community_id: str | None = None
    community_name: str = ""
    thread_id: str | None = None
    platform_locale: str | None = None
    platform_moderator: bool = False
    """The platform's own notion: Discord Manage Server, Telegram chat administrator."""
    direct: bool = False
    """A private chat or the console: text that is not a command gets a hint instead of silence."""
    attachments: tuple[Attachment, ...] = ()
    """Files sent with the command, for its file parameters."""
    reply_to: str | None = None
    """The platform id of the message (in this channel) this one replies to."""
    pressed_on: str | None = None
    """A button press: the platform id of the message that carries the button."""
    update_id: str | None = None
    """The platform's id of the update this came in, as the inbox keeps it (bot/storage/inbox.py);
    None where nothing is kept (the console, a poll vote on Discord)."""
    again: bool = False
    """Taken up again at start: the process stopped while handling it."""
    locale: str | None = None
    """A language chosen for this one request (the web dashboard's switch), over the member's."""

    @property
    def destination(self) -> Destination:
        return Destination(self.platform, self.channel_id, self.community_id, self.thread_id)


@dataclass(slots=True)
class Context:
    services: Services
    member: Member
    community: Community | None
    channel: Destination
    locale: str
    timezone: ZoneInfo
    is_moderator: bool
    translations: gettext.NullTranslations
    command: Command | None = None
    circle: tuple[int, ...] = ()
    """The community and those linked with it (bot/api/community.py); () in a private chat."""
    update_id: str | None = None
    """The update being answered, as the inbox keeps it (None on the console)."""
    again: bool = False
    """The update is handled again at start: the process stopped while handling it, so what
    it made on the platform (a thread, a scheduled event) may be there already."""

    @property
    def platform(self) -> str:
        return self.member.platform

    @property
    def capabilities(self) -> Capabilities:
        """What the member's platform can do."""
        return self.services.messenger.capabilities(self.platform)

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def log(self) -> logging.Logger:
        name = self.command.feature.name if self.command else "dispatch"
        return logging.getLogger(f"pustaka.{name}")

    def _(self, message: str) -> str:
        """Translate into this member's language."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def require_community(self) -> Community:
        """The community this message came from; a clear refusal in a private chat."""
        if self.community is None:
            raise UserError(self._("Use this command in the community's group or server."))
        return self.community

    @property
    def private_destination(self) -> Destination:
        return Destination(self.platform, self.member.platform_id, private=True)

    async def once(self, name: str, work: Callable[[Atomic], T]) -> T:
        """Run a write (`work`, one transaction) that must happen once per command a member
        sent, such as creating their reminder: when the update is handled again after a crash,
        the first run's result (JSON: an id, a list) comes back and nothing is written again.
        `name` tells apart the writes of one command."""
        if self.update_id is None:
            return await self.store.atomically(work)
        return await inbox.once(self.store, self.platform, self.update_id, name, work)

    async def send(self, reply: Reply, *, to: Destination | None = None) -> None:
        """Post a message outside the direct answer: now, or later from a background task."""
        await self.services.messenger.send(to or self.channel, reply)
