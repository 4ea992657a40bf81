"""The web dashboard, as features see it: pages they declare, what a page's view receives and
what it returns, and the one-time login links /dashboard hands out.

A feature declares a page in ``setup()`` with ``package.page(Page(...))`` and keeps its Jinja2
templates in its folder's ``templates/`` (named ``<feature>/<file>`` by the server). A view is
``async def view(request: WebRequest) -> View``: it reads through the feature's own code and
returns :class:`Render`, :class:`Redirect` or :class:`Download`. A change goes through the same
command code a moderator types: ``await request.run("calendar move", id=…, when=…)`` runs the
command as the signed-in moderator (its checks, its permission, its answer in their language)
and returns the answer's text. The server (bot/web/) is the only part that knows aiohttp.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.api.context import Context
from bot.api.files import Attachment
from bot.storage.web import TooManyLinks, WebLogins

if TYPE_CHECKING:
    from bot.api.replies import Reply

__all__ = [
    "Dashboard",
    "Download",
    "Page",
    "Redirect",
    "Render",
    "TooManyLinks",
    "View",
    "WebRequest",
]


@dataclass(frozen=True, slots=True)
class Render:
    """Show a template (``<feature>/<file>.html``) with these values; every value is escaped."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)
    status: int = 200


@dataclass(frozen=True, slots=True)
class Redirect:
    """Go to another page of the dashboard (a path starting with ``/``), showing `notice` once."""

    to: str
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class Download:
    """A file the browser saves (a CSV, a chart)."""

    name: str
    content: bytes
    content_type: str


View = Render | Redirect | Download
Run = Callable[..., Awaitable[list["Reply"]]]


@dataclass(frozen=True, slots=True)
class WebRequest:
    """One request of a signed-in moderator to a page."""

    ctx: Context
    """The moderator's context, as if they had typed a command in their community."""
    method: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    """A POST's fields (its CSRF token already checked); empty for a GET."""
    files: Mapping[str, Attachment]
    """A POST's uploaded files, read within the server's size limit; no path is ever used."""
    runner: Run = field(repr=False, compare=False)

    async def run(self, command: str, **values: Any) -> list[Reply]:
        """Run a command (``"calendar move"``) as this moderator; its replies."""
        return await self.runner(command, **values)

    def _(self, message: str) -> str:
        return self.ctx._(message)


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the dashboard: ``/p/<name>``, listed in the menu by `title` (marked with N_)."""

    name: str
    title: str
    view: Callable[[WebRequest], Awaitable[View]]
    order: int = 50
    """Its place in the menu, lowest first."""
    max_upload: int = 0
    """Bytes a POST to it may carry (0: forms without files, a few kilobytes)."""


class Dashboard:
    """The declared pages, and the login links /dashboard gives to moderators."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.templates: dict[str, Any] = {}
        """A feature's name → its templates folder (a Path)."""
        self.logins: WebLogins | None = None
        self.base_url = ""
        """Where the dashboard is reached ("" while it is off)."""

    def add(self, feature: str, page: Page, templates: Any) -> None:
        if page.name in self.pages:
            raise ValueError(f"two features declare the web page {page.name!r}")
        self.pages[page.name] = page
        self.templates[feature] = templates

    @property
    def enabled(self) -> bool:
        return bool(self.base_url) and self.logins is not None

    async def link(self, ctx: Context) -> str:
        """A one-time link for this moderator in this community (:class:`TooManyLinks` when
        they asked for too many lately)."""
        if self.logins is None or ctx.community is None:
            raise RuntimeError("the dashboard is off or there is no community")
        who = {
            "platform": ctx.platform,
            "member_id": ctx.member.platform_id,
            "display_name": ctx.member.display_name,
            "channel_id": ctx.channel.channel_id,
            "community_id": ctx.community.platform_id,
            "community_name": ctx.community.name,
            "thread_id": ctx.channel.thread_id,
            "moderator": ctx.is_moderator,
        }
        token = await self.logins.link(ctx.platform, ctx.member.platform_id, who, ctx.clock.now())
        return f"{self.base_url}/login/{token}"

    async def logout_all(self, ctx: Context) -> int:
        if self.logins is None:
            return 0
        return await self.logins.end_all(ctx.platform, ctx.member.platform_id)
