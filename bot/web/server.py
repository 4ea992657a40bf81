"""The web dashboard's server: aiohttp on the bot's own event loop, Jinja2 templates.

Nothing here knows a feature: the pages are the features' declarations (bot/api/web.py), and a
change a page makes runs a command through the dispatcher as the signed-in moderator. What the
server adds is the web's own care:

- login by one-time link only (bot/storage/web.py): ``/login/<token>`` opens a session whose
  cookie is HttpOnly, SameSite=Lax and Secure when the dashboard is reached over HTTPS; the link
  is then taken out of the address bar by a redirect, and Referrer-Policy keeps it from leaking;
- a CSRF token on every form (one per session, compared in constant time) and every POST
  refused without it;
- every value escaped by Jinja2 (autoescape on, undefined values an error);
- uploads read into memory within the page's limit; a file's name is shown, never used as a path;
- security headers on every answer: a Content-Security-Policy without inline script or style,
  X-Frame-Options, Referrer-Policy, X-Content-Type-Options, no caching of pages;
- a log line for every change, naming the moderator;
- failed logins limited per address (``FAILED_LOGINS`` a minute).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
from aiohttp import web

from bot.api.commands import N_, Command
from bot.api.context import Context, Incoming
from bot.api.dispatch import Dispatcher
from bot.api.files import Attachment
from bot.api.replies import Reply
from bot.api.web import Download, Page, Redirect, Render, View, WebRequest
from bot.config import SUPPORTED_LOCALES
from bot.storage.web import Session, WebLogins

log = logging.getLogger("pustaka.web")

HERE = Path(__file__).parent
COOKIE = "pustaka_session"
FORM_LIMIT = 64 * 1024
"""What a POST to a page without uploads may carry."""
FAILED_LOGINS = 10
"""Wrong or used links one address may try within a minute before it is made to wait."""
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebServer:
    """Serve the dashboard until cancelled (run beside the platforms by the process)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.services = dispatcher.services
        self.dashboard = self.services.web
        if self.dashboard.logins is None:
            self.dashboard.logins = WebLogins(self.services.store)
        self.logins: WebLogins = self.dashboard.logins
        self.settings = self.services.config.web
        self.secure = self.dashboard.base_url.startswith("https://")
        loaders: dict[str, jinja2.BaseLoader] = {
            "core": jinja2.FileSystemLoader(HERE / "templates")
        }
        for feature, folder in self.dashboard.templates.items():
            loaders[feature] = jinja2.FileSystemLoader(folder)
        self.templates = jinja2.Environment(
            loader=jinja2.PrefixLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def application(self) -> web.Application:
        app = web.Application(
            middlewares=[self._headers],
            client_max_size=self.settings.max_upload_mb * 1024 * 1024,
        )
        app.router.add_get("/", self._home)
        app.router.add_get("/login/{token}", self._login)
        app.router.add_post("/logout", self._logout)
        app.router.add_post("/language", self._language)
        app.router.add_route("*", "/p/{page}", self._page)
        app.router.add_static("/static", HERE / "static", show_index=False)
        return app

    async def run(self) -> None:
        runner = web.AppRunner(self.application(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.listen, self.settings.port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            log.error(
                "the web dashboard cannot listen on %s:%d (%s): the bot goes on without it;"
                " choose another [web] port",
                self.settings.listen,
                self.settings.port,
                error.strerror or error,
            )
            return
        log.info(
            "web dashboard at %s (listening on %s:%d)",
            self.dashboard.base_url,
            self.settings.listen,
            self.settings.port,
        )
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    # -- middleware and signing in ------------------------------------------------------------

    @web.middleware
    async def _headers(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            for name, value in HEADERS.items():
                error.headers.setdefault(name, value)
            raise
        except Exception:
            log.exception("web: %s %s failed", request.method, request.path)
            response = self._plain(
                self._(self.services.config.bot.locale, N_("Something went wrong on this page.")),
                500,
            )
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _login(self, request: web.Request) -> web.StreamResponse:
        address = self._address(request)
        if self._too_many_failures(address):
            return self._plain(
                self._(
                    self.services.config.bot.locale,
                    N_("Too many wrong links from here. Wait a minute, then open a new link."),
                ),
                429,
            )
        opened = await self.logins.open(request.match_info["token"], self.services.clock.now())
        if opened is None:
            self._failures[address].append(time.monotonic())
            return self._signed_out(
                request,
                N_(
                    "This link has expired or was used already. Type /dashboard in your"
                    " community for a new one."
                ),
                403,
            )
        token, session = opened
        who = session.who
        log.info(
            "web: %s (%s %s) signed in for community %s",
            who.get("display_name"),
            session.platform,
            session.member_id,
            who.get("community_name"),
        )
        response = _see_other("/")
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            secure=self.secure,
            samesite="Lax",
            path="/",
        )
        return response

    def _address(self, request: web.Request) -> str:
        """Who is trying a link: the browser's address, which a reverse proxy on this machine
        (``public_url`` set) passes in X-Forwarded-For; elsewhere that header is not believed."""
        remote = request.remote or "?"
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded and self.settings.public_url and remote in ("127.0.0.1", "::1"):
            return forwarded.rsplit(",", 1)[-1].strip() or remote
        return remote

    def _too_many_failures(self, address: str) -> bool:
        failures = self._failures[address]
        while failures and failures[0] < time.monotonic() - 60:
            failures.popleft()
        return len(failures) >= FAILED_LOGINS

    async def _session(self, request: web.Request) -> Session | None:
        token = request.cookies.get(COOKIE)
        if not token:
            return None
        return await self.logins.session(token, self.services.clock.now())

    async def _signed_in(
        self, request: web.Request
    ) -> tuple[Session, Incoming, Context] | web.Response:
        session = await self._session(request)
        if session is None:
            return self._signed_out(
                request,
                N_(
                    "You are not signed in, or your session ended. Type /dashboard in your"
                    " community for a link."
                ),
                401,
            )
        incoming = _incoming(session)
        ctx = await self.dispatcher.context(incoming)
        if not ctx.is_moderator or ctx.community is None:
            return self._signed_out(request, N_("Only moderators can use the dashboard."), 403)
        return session, incoming, ctx

    async def _checked_form(
        self, request: web.Request, session: Session, limit: int
    ) -> tuple[dict[str, str], dict[str, Attachment]] | web.Response:
        """The POST's fields and files, once its size and CSRF token are right."""
        if request.content_length is not None and request.content_length > limit:
            return self._refusal(session, N_("The upload is too large."), 413)
        try:
            posted = await request.post()
        except web.HTTPRequestEntityTooLarge:
            return self._refusal(session, N_("The upload is too large."), 413)
        except ValueError:
            return self._refusal(session, N_("The form could not be read."), 400)
        form: dict[str, str] = {}
        files: dict[str, Attachment] = {}
        for name, value in posted.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                if content:
                    files[name] = _attachment(_file_name(value.filename), content)
            else:
                form[name] = str(value)
        if not hmac.compare_digest(form.get("csrf", ""), session.csrf):
            return self._refusal(
                session,
                N_("This form has expired. Open the page again and repeat the change."),
                403,
            )
        return form, files

    # -- pages ---------------------------------------------------------------------------------

    async def _home(self, request: web.Request) -> web.StreamResponse:
        signed = await self._signed_in(request)
        if isinstance(signed, web.Response):
            return signed
        session, _incoming_, ctx = signed
        return await self._render(
            request, session, ctx, Render("core/home.html", {"pages": self._menu(ctx)}), None
        )

    async def _page(self, request: web.Request) -> web.StreamResponse:
        page = self.dashboard.pages.get(request.match_info["page"])
        signed = await self._signed_in(request)
        if isinstance(signed, web.Response):
            return signed
        session, incoming, ctx = signed
        if page is None:
            return self._refusal(session, N_("There is no such page."), 404)
        form: Mapping[str, str] = {}
        files: Mapping[str, Attachment] = {}
        if request.method == "POST":
            checked = await self._checked_form(request, session, page.max_upload or FORM_LIMIT)
            if isinstance(checked, web.Response):
                return checked
            form, files = checked
        elif request.method != "GET":
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "POST"])
        web_request = WebRequest(
            ctx=ctx,
            method=request.method,
            query=dict(request.query),
            form=form,
            files=files,
            runner=self._runner(incoming, ctx),
        )
        view = await page.view(web_request)
        if request.method == "POST":
            log.info(
                "web: %s (%s %s) in community %s changed %s: %s",
                ctx.member.display_name,
                ctx.platform,
                ctx.member.platform_id,
                ctx.community.name if ctx.community else "-",
                page.name,
                form.get("action", "-"),
            )
        return await self._render(request, session, ctx, view, page)

    def _runner(self, incoming: Incoming, ctx: Context) -> Callable[..., Awaitable[list[Reply]]]:
        async def run(name: str, **values: Any) -> list[Reply]:
            command: Command | None = self.services.registry.find(name)
            if command is None:
                raise LookupError(f"no command {name!r}")
            return await self.dispatcher.invoke(
                incoming, command, {k: v for k, v in values.items() if v is not None}
            )

        return run

    async def _render(
        self, request: web.Request, session: Session, ctx: Context, view: View, page: Page | None
    ) -> web.StreamResponse:
        if isinstance(view, Redirect):
            if view.notice is not None:
                await self.logins.tell(session, view.notice[:2000])
            return _see_other(_local(view.to))
        if isinstance(view, Download):
            return web.Response(
                body=view.content,
                content_type=view.content_type,
                headers={"Content-Disposition": f'attachment; filename="{_safe_name(view.name)}"'},
            )
        if session.notice is not None:
            await self.logins.tell(session, None)
        values = {
            **self._common(session, ctx, request),
            "page": page.name if page else "",
            "notice": session.notice,
            **view.values,
        }
        html = self.templates.get_template(view.template).render(values)
        return web.Response(text=html, content_type="text/html", status=view.status)

    def _common(self, session: Session, ctx: Context, request: web.Request) -> dict[str, Any]:
        return {
            "_": ctx._,
            "ngettext": ctx.ngettext,
            "locale": ctx.locale,
            "languages": LANGUAGES,
            "csrf": session.csrf,
            "menu": self._menu(ctx),
            "who": ctx.member.display_name,
            "platform": ctx.platform,
            "community": ctx.community.name if ctx.community else "",
            "here": request.path_qs,
        }

    def _menu(self, ctx: Context) -> list[dict[str, str]]:
        pages = sorted(self.dashboard.pages.values(), key=lambda p: (p.order, p.name))
        return [{"name": p.name, "title": ctx._(p.title), "url": f"/p/{p.name}"} for p in pages]

    # -- language and signing out --------------------------------------------------------------

    async def _language(self, request: web.Request) -> web.StreamResponse:
        signed = await self._signed_in(request)
        if isinstance(signed, web.Response):
            return signed
        session, _incoming_, _ctx = signed
        checked = await self._checked_form(request, session, FORM_LIMIT)
        if isinstance(checked, web.Response):
            return checked
        form, _files = checked
        if form.get("locale") in SUPPORTED_LOCALES:
            await self.logins.set_locale(session, form["locale"])
        return _see_other(_local(form.get("next", "/")))

    async def _logout(self, request: web.Request) -> web.StreamResponse:
        session = await self._session(request)
        if session is None:
            return _see_other("/")
        checked = await self._checked_form(request, session, FORM_LIMIT)
        if isinstance(checked, web.Response):
            return checked
        await self.logins.end(session)
        response = self._signed_out(request, N_("You are signed out."), 200)
        response.del_cookie(COOKIE, path="/")
        return response

    # -- answers that are not pages ------------------------------------------------------------

    def _(self, locale: str, message: str) -> str:
        return self.services.i18n.gettext(locale, message)

    def _signed_out(self, request: web.Request, message: str, status: int) -> web.Response:
        locale = self._browser_locale(request)
        return self._message_page("core/signed_out.html", locale, message, status)

    def _refusal(self, session: Session, message: str, status: int) -> web.Response:
        locale = session.locale or self.services.config.bot.locale
        return self._message_page("core/refused.html", locale, message, status)

    def _message_page(self, template: str, locale: str, message: str, status: int) -> web.Response:
        html = self.templates.get_template(template).render(
            _=self.services.i18n.translations(locale).gettext,
            locale=locale,
            message=self._(locale, message),
        )
        return web.Response(text=html, content_type="text/html", status=status)

    def _browser_locale(self, request: web.Request) -> str:
        wanted = request.headers.get("Accept-Language", "")
        for part in wanted.split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in SUPPORTED_LOCALES:
                return code
        return self.services.config.bot.locale

    def _plain(self, message: str, status: int) -> web.Response:
        return web.Response(text=message, status=status)


def _incoming(session: Session) -> Incoming:
    """The signed-in moderator as the dispatcher knows a member: as they were when they typed
    /dashboard, in the language chosen on the dashboard."""
    who = session.who
    return Incoming(
        platform=session.platform,
        member_id=session.member_id,
        display_name=str(who.get("display_name", "")),
        channel_id=str(who.get("channel_id", "")),
        text="",
        community_id=who.get("community_id"),
        community_name=str(who.get("community_name", "")),
        thread_id=who.get("thread_id"),
        platform_moderator=bool(who.get("moderator")),
        locale=session.locale,
    )


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _file_name(sent: str | None) -> str:
    """What to call an upload when showing it: the last part of the name the browser sent
    (some clients percent-encode it). Never used as a path."""
    name = unquote(sent or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "upload"


def _attachment(name: str, content: bytes) -> Attachment:
    async def fetch() -> bytes:
        return content

    return Attachment(name[:200], len(content), fetch)


def _local(path: str) -> str:
    """A path on this site only: never another site (``//host``, ``https://…``)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def _safe_name(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "._-")[:100] or "download"
