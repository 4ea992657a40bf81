"""Members pin short notices; a moderator schedules one to be posted later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Permission, command, integer, text
from bot.api.context import Context, Destination
from bot.api.jobs import JobContext, job
from bot.api.replies import Reply


@dataclass(frozen=True)
class NoticeboardSettings:
    max_notices: int = 3
    """How many notices a community's board holds."""


class Noticeboard(Feature):
    name = "noticeboard"
    description = N_("Notices")
    labels = {"minutes": N_("parameter:minutes"), "notice": N_("parameter:notice")}

    @command(
        "notice pin",
        N_("Pin a notice on the community's board."),
        text("notice", N_("The notice"), rest=True, max_length=200),
    )
    async def pin(self, ctx: Context, notice: str) -> str:
        limit = self.services.config.section(NoticeboardSettings).max_notices
        community = ctx.community.id if ctx.community else None
        pinned = await ctx.store.fetchval(
            "SELECT count(*) FROM noticeboard_notices WHERE community_id IS ?", (community,)
        )
        if pinned >= limit:
            raise UserError(ctx._("The board is full ({limit} notices).").format(limit=limit))
        await ctx.store.execute(
            "INSERT INTO noticeboard_notices (community_id, author, text, pinned_at)"
            " VALUES (?, ?, ?, ?)",
            (community, ctx.member.display_name, notice, ctx.clock.now().isoformat()),
        )
        return ctx._("Pinned.")

    @command("notice board", N_("The community's notices."))
    async def board(self, ctx: Context) -> str:
        community = ctx.community.id if ctx.community else None
        rows = await ctx.store.fetchall(
            "SELECT author, text FROM noticeboard_notices WHERE community_id IS ? ORDER BY id",
            (community,),
        )
        return "\n".join(f"{author}: {notice}" for author, notice in rows) or ctx._("No notices.")

    @command(
        "notice later",
        N_("Post a notice in this channel in a few minutes."),
        integer("minutes", N_("In how many minutes"), min_value=1, max_value=1440),
        text("notice", N_("The notice"), rest=True, max_length=200),
        permission=Permission.MODERATOR,
    )
    async def later(self, ctx: Context, minutes: int, notice: str) -> str:
        due = ctx.clock.now() + timedelta(minutes=minutes)
        community = ctx.community.id if ctx.community else None
        payload = {"community": community, "channel": ctx.channel.key(), "text": notice}
        key = f"noticeboard:{ctx.channel.key()}:{due.isoformat()}"
        await self.services.scheduler.schedule("noticeboard.post", key, due, payload)
        return ctx._("It will be posted in {minutes} minutes.").format(minutes=minutes)

    @job("noticeboard.post")
    async def post(self, ctx: JobContext) -> None:
        assert ctx.job is not None
        channel = Destination.from_key(ctx.payload["channel"])
        room = await ctx.for_community(ctx.payload["community"], channel)
        await room.send_once(ctx.job.key, Reply.of(ctx.payload["text"], title=room._("Notice")))
