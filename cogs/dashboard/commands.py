"""/dashboard: a private, one-time link to the web dashboard for a moderator."""

from __future__ import annotations

from bot.api.commands import N_, Feature, Permission, command
from bot.api.context import Context
from bot.api.replies import Reply
from bot.api.text import Text
from bot.api.web import TooManyLinks


class DashboardCommands(Feature):
    name = "dashboard"
    description = N_("Web dashboard")

    @command(
        "dashboard link",
        N_("A private link to the web dashboard: opens once, within 10 minutes."),
        permission=Permission.MODERATOR,
        private=True,
        aliases=("dashboard", "dasbor"),
    )
    async def link(self, ctx: Context) -> Reply:
        ctx.require_community()
        web = self.services.web
        if not web.enabled:
            return Reply.of(
                ctx._(
                    "The web dashboard is off. The bot's administrator turns it on with"
                    " [web] enabled = true in the configuration file."
                )
            )
        try:
            url = await web.link(ctx)
        except TooManyLinks:
            return Reply.of(
                ctx._(
                    "You asked for several links in the last 10 minutes: use one of them, or"
                    " wait a few minutes."
                )
            )
        return Reply.of(
            Text.format(
                ctx._(
                    "Your dashboard link (opens once, within 10 minutes; do not share it):"
                    " {link}\nSessions end after a day without use; /dashboard logout-all"
                    " ends them all."
                ),
                link=Text.link(ctx._("open the dashboard"), url),
            ),
            title=ctx._("Web dashboard"),
        )

    @command(
        "dashboard logout-all",
        N_("Sign out of the web dashboard everywhere (every browser you opened it in)."),
        permission=Permission.MODERATOR,
        private=True,
        aliases=("dasbor keluar",),
    )
    async def logout_all(self, ctx: Context) -> Reply:
        ended = await self.services.web.logout_all(ctx)
        return Reply.of(
            ctx.ngettext(
                "Signed out of the dashboard: {count} session ended.",
                "Signed out of the dashboard: {count} sessions ended.",
                ended,
            ).format(count=ended)
        )
