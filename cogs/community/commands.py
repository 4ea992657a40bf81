"""Linking a library's Discord server, Telegram group and Telegram channel into one community.

A moderator asks for a one-time code on one side (``/community link``) and a moderator of the
other side types it there (``/community join CODE``), then confirms: both sides agreed. What is
shared, and how, is :mod:`bot.api.community`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.api import community as circles
from bot.api import identity
from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, choice, command, text
from bot.api.context import Context
from bot.api.dates import moment_text
from bot.api.jobs import JobContext
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.text import Text

PLATFORM_NAMES = {"discord": "Discord", "telegram": "Telegram", "console": N_("console")}
CONFIRM = (("confirm", N_("confirm")),)
CONFIRM_WORDS = {"confirm": ("yes", "ya", "konfirmasi", "yakin")}


class Communities(Feature):
    name = "community"
    description = N_("One community on several platforms")
    labels = {"code": N_("parameter:code"), "answer": N_("parameter:answer")}

    @command(
        "community link",
        N_("Get a one-time code to link this community with one on another platform."),
        permission=Permission.MODERATOR,
        aliases=("komunitas tautkan",),
    )
    async def link(self, ctx: Context) -> Reply:
        here = ctx.require_community()
        await self._keep_home(ctx)
        now = ctx.clock.now()
        code = await circles.new_code(ctx.store, here.id, ctx.member.id, now, once=ctx.once)
        until = moment_text(ctx.locale, now + circles.CODE_LIFETIME, ctx.timezone)
        return Reply.of(
            Text.format(
                ctx._(
                    "Link code: **{code}** (valid until {until}, once). In the library's group or"
                    " channel on the other platform, a moderator types:\n`/community join {code}`"
                ),
                code=code,
                until=until,
            ),
            private=True,
        )

    @command(
        "community join",
        N_("Link this community with another one, using the code a moderator got there."),
        text("code", N_("The code from /community link, e.g. K7QM-4XPA"), max_length=20),
        choice("answer", N_("confirm to link"), CONFIRM, required=False, synonyms=CONFIRM_WORDS),
        permission=Permission.MODERATOR,
        aliases=("komunitas gabung",),
    )
    async def join(self, ctx: Context, code: str, answer: str | None = None) -> Reply:
        here = ctx.require_community()
        now = ctx.clock.now()
        if answer is None:
            found = await circles.code_owner(ctx.store, code, here.id, now)
        else:
            found = await circles.join(ctx.store, code, here.id, now, once=ctx.once)
        if isinstance(found, circles.Refusal):
            raise UserError(self._refusal(ctx, found))
        other = await identity.community(ctx.store, found)
        assert other is not None
        if answer is None:
            typed = circles.normalise_code(code)
            return Reply.of(
                Text.format(
                    ctx._(
                        "Link **{here}** with **{other}** ({platform})? Announcements, series, "
                        "events, quiz leaderboards, reading clubs, suggestions and statistics will"
                        " be shared. Each side keeps its history if you unlink later."
                    ),
                    here=_name(ctx, here),
                    other=_name(ctx, other),
                    platform=_platform(ctx._, other.platform),
                ),
                choices=[
                    Choice(ctx._("Link"), f"/community join {typed} confirm", ChoiceStyle.PRIMARY),
                    Choice(ctx._("Cancel"), "/community show", ChoiceStyle.DANGER),
                ],
            )
        await self._keep_home(ctx)
        await self._tell_others(ctx, here)
        return await self.show(ctx)

    @command(
        "community show",
        N_("Show which groups and servers share this community."),
        aliases=("komunitas lihat",),
    )
    async def show(self, ctx: Context) -> Reply:
        here = ctx.require_community()
        circle = await circles.circle(ctx.store, here.id)
        lines = []
        for member_id in circle:
            found = await identity.community(ctx.store, member_id)
            if found is None:
                continue
            home = await circles.home(ctx.store, member_id)
            lines.append(
                Text.format(
                    "• **{name}** ({platform}){home}",
                    name=_name(ctx, found),
                    platform=_platform(ctx._, found.platform),
                    home="" if home else " — " + ctx._("no home channel yet (/community home)"),
                )
            )
        if len(circle) == 1:
            intro = ctx._(
                "This community is not linked. A moderator links it with the library's group on"
                " another platform with /community link."
            )
        else:
            intro = ctx._("These share announcements, events, leaderboards, clubs and statistics:")
        return Reply.of(Text.join([Text.plain(intro), *lines], "\n"), title=ctx._("Community"))

    @command(
        "community unlink",
        N_("Stop sharing with the linked groups; each side keeps its own history."),
        choice("answer", N_("confirm to unlink"), CONFIRM, required=False, synonyms=CONFIRM_WORDS),
        permission=Permission.MODERATOR,
        aliases=("komunitas lepas",),
    )
    async def unlink(self, ctx: Context, answer: str | None = None) -> Reply:
        here = ctx.require_community()
        if len(await circles.circle(ctx.store, here.id)) == 1:
            raise UserError(ctx._("This community is not linked with any other."))
        if answer is None:
            return Reply.of(
                ctx._(
                    "Unlink this community? It stops sharing announcements, events, leaderboards"
                    " and clubs with the others; what was made here stays here."
                ),
                choices=[
                    Choice(ctx._("Unlink"), "/community unlink confirm", ChoiceStyle.DANGER),
                    Choice(ctx._("Cancel"), "/community show"),
                ],
            )
        await self._tell_others(ctx, here, leaving=True)
        await circles.unlink(ctx.store, here.id)
        return Reply.of(ctx._("Unlinked. This community is on its own again."))

    @command(
        "community home",
        N_("Make this channel the one where announcements and series are posted."),
        permission=Permission.MODERATOR,
        aliases=("komunitas rumah",),
    )
    async def home(self, ctx: Context) -> Reply:
        here = ctx.require_community()
        await circles.set_home(ctx.store, here.id, ctx.channel)
        return Reply.of(ctx._("Announcements and series for this community will be posted here."))

    # Helpers ---------------------------------------------------------------------------------

    async def _keep_home(self, ctx: Context) -> None:
        """The channel where a moderator links becomes the home, unless one was chosen."""
        assert ctx.community is not None
        if await circles.home(ctx.store, ctx.community.id) is None:
            await circles.set_home(ctx.store, ctx.community.id, ctx.channel)

    async def _tell_others(
        self, ctx: Context, here: identity.Community, leaving: bool = False
    ) -> None:
        """A notice in each other home of the circle, in that community's language."""
        for other_id in await circles.circle(ctx.store, here.id):
            if other_id == here.id:
                continue
            where = await circles.home(ctx.store, other_id)
            if where is None:
                continue
            speaker = await JobContext.start(self.services, None).for_community(other_id, where)
            message = (
                speaker._("**{name}** ({platform}) is no longer linked with this community.")
                if leaving
                else speaker._(
                    "**{name}** ({platform}) is now linked with this community: announcements,"
                    " events, leaderboards and clubs are shared."
                )
            )
            text = Text.format(
                message, name=_name(ctx, here), platform=_platform(speaker._, here.platform)
            )
            try:
                await self.services.messenger.send(where, Reply.of(text))
            except Exception:
                ctx.log.exception("could not tell community %s about the link", other_id)

    def _refusal(self, ctx: Context, refusal: circles.Refusal) -> str:
        return {
            circles.Refusal.UNKNOWN: ctx._(
                "That code is not known. Codes are used once; ask for a new one with"
                " /community link on the other side."
            ),
            circles.Refusal.EXPIRED: ctx._(
                "That code has expired. Ask for a new one with /community link on the other side."
            ),
            circles.Refusal.SAME: ctx._(
                "That code was made in this community (or one already linked with it): type it"
                " in the other platform's group."
            ),
            circles.Refusal.ALREADY_LINKED: ctx._(
                "This community is already linked with others. Unlink it first with"
                " /community unlink."
            ),
        }[refusal]


def _name(ctx: Context, community: identity.Community) -> str:
    return community.name or ctx._("the console")


def _platform(translate: Callable[[str], str], platform: str) -> str:
    """A platform's name as members read it (only the console's is translated)."""
    return translate(PLATFORM_NAMES.get(platform, platform))
