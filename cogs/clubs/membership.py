"""Creating clubs and being in one: create, join, leave, list, show, and who may create."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.api.arguments import UserError
from bot.api.commands import N_, Permission, choice, command, integer, text
from bot.api.context import Context
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.text import Text
from bot.time.when import parse_when
from cogs.catalog.public import byline
from cogs.clubs.base import ClubBase
from cogs.clubs.formatting import date_text, day_text, hashtag, range_text
from cogs.clubs.posts import new_reading

log = logging.getLogger("pustaka.clubs")

WEEKS = 4  # a plan's length when none is given
CREATORS = [("moderators", N_("moderators only")), ("members", N_("every member"))]
SHOWN = 10  # clubs in a list
_NOT_IN_NAMES = (":", "|")


class Membership(ClubBase):
    # Creating ----------------------------------------------------------------------------------

    @command(
        "club create",
        N_("Start a reading club."),
        text("name", N_("The club's name"), max_length=60),
        text(
            "book", N_("The book: a title from the catalog, or #number"), autocomplete="book_titles"
        ),
        text(
            "start",
            N_('When reading starts, e.g. "Senin depan jam 19.00" (empty: now)'),
            required=False,
            time=True,
            max_length=100,
        ),
        integer(
            "weeks",
            N_("Over how many weeks (4 if empty)"),
            required=False,
            default=WEEKS,
            min_value=1,
            max_value=52,
        ),
        aliases=("klub buat",),
    )
    async def create(
        self, ctx: Context, name: str, book: str, start: str | None = None, weeks: int = WEEKS
    ) -> Reply:
        community = ctx.require_community()
        if not ctx.is_moderator and not await self.clubs.members_create(community.id):
            raise UserError(
                ctx._(
                    "Only moderators can create clubs here. A moderator can let every member "
                    "create them with /club creators members."
                )
            )
        name = " ".join(name.split())
        if name.startswith("#") or any(mark in name for mark in _NOT_IN_NAMES):
            raise UserError(ctx._("A club's name cannot start with # or contain : or |."))
        found = await self.find_book(ctx, book)
        now = ctx.clock.now()
        starts = self._start(ctx, start) if start else now
        first = new_reading(found, found.record.title, byline(found), starts, weeks)
        # Once per /club create: one handled again after a crash finds the club it made and
        # goes on from where the first stopped (the home is opened only while it has none).
        made = await self.clubs.create(
            community.id, ctx.circle, name, ctx.member.id, now, first, once=ctx.once
        )
        if made is None:
            raise UserError(
                ctx._(
                    "There is already a club called {name} here. Choose another name, "
                    "or join it with /club join {name}."
                ).format(name=name)
            )
        club = await self.clubs.get(made[0])
        reading = await self.clubs.reading(made[1])
        if club is None or reading is None:  # removed when its home could not be opened
            raise UserError(_no_home(ctx))
        await self.posts.schedule(club, reading)
        tag = hashtag(name)
        if club.home:
            own_place = not club.hashtag
        else:
            speaker = await self.posts.voice(community.id)
            welcome = await self.posts.welcome(club, reading, speaker, now)
            if ctx.capabilities.hashtag_homes:
                welcome = replace(welcome, text=Text.plain(tag + "\n") + welcome.text)
            try:
                home = await self.services.messenger.open_thread(
                    ctx.channel, name, welcome, again=ctx.again
                )
            except Exception:
                log.exception("could not open a home for club %s", club.id)
                await self.posts.forget(club.id)
                await self.clubs.remove(club.id)
                raise UserError(_no_home(ctx)) from None
            own_place = home != ctx.channel or not ctx.capabilities.hashtag_homes
            await self.clubs.set_home(club.id, home.key(), "" if own_place else tag)
        lines = [
            ctx._("{club} is open: {title} over {weeks} weeks, from {date}.").format(
                club=name,
                title=reading.title,
                weeks=len(reading.plan.sections),
                date=date_text(ctx, reading.starts_at),
            ),
            ctx._("The club's posts come here under {hashtag}.").format(hashtag=tag)
            if not own_place
            else ctx._("The club's discussion has its own thread."),
        ]
        return Reply.of(
            "\n".join(lines),
            choices=[Choice(ctx._("Join the club"), f"/club join #{club.id}", ChoiceStyle.PRIMARY)],
        )

    def _start(self, ctx: Context, typed: str) -> datetime:
        now = ctx.clock.now()
        starts = parse_when(typed, now, ctx.timezone)
        if starts is None:
            raise UserError(
                ctx._(
                    "I can't read “{when}” as a date. Try for example: Senin depan jam 19.00, "
                    "besok, 2026-12-05 19:00."
                ).format(when=typed[:60])
            )
        if starts < now:
            raise UserError(
                ctx._("{date} has already passed. Give a time in the future.").format(
                    date=date_text(ctx, starts)
                )
            )
        return starts

    @command(
        "club creators",
        N_("Who may create clubs."),
        choice(
            "who",
            N_("Moderators only, or every member"),
            CREATORS,
            synonyms={
                "moderators": ("moderator", "pustakawan", "librarians", "mods"),
                "members": ("anggota", "semua", "everyone", "all", "member"),
            },
        ),
        permission=Permission.MODERATOR,
        aliases=("klub pembuat",),
    )
    async def creators(self, ctx: Context, who: str) -> Reply:
        community = ctx.require_community()
        await self.clubs.set_members_create(community.id, who == "members")
        if who == "members":
            return Reply.of(ctx._("Every member can now create reading clubs."))
        return Reply.of(ctx._("Only moderators can now create reading clubs."))

    # Joining -----------------------------------------------------------------------------------

    @command(
        "club join",
        N_("Join a club."),
        text("club", N_("The club's name or #number"), rest=True, autocomplete="club_names"),
        aliases=("klub gabung", "klub ikut"),
    )
    async def join(self, ctx: Context, club: str) -> Reply:
        found = await self.find_club(ctx, club)
        if not await self.clubs.join(found.id, ctx.member.id, ctx.clock.now()):
            raise UserError(ctx._("You are already in {club}.").format(club=found.name))
        text = ctx._("Welcome to {club}, {name}!").format(
            club=found.name, name=ctx.member.display_name
        )
        reading = await self.clubs.current(found.id)
        current = reading.plan.current(ctx.clock.now()) if reading else None
        if reading is not None and current is not None:
            text += " " + ctx._(
                "This week: {range} of {title}. Tell the club where you are with /club progress."
            ).format(range=range_text(ctx, current), title=reading.title)
        return Reply.of(text)

    @command(
        "club leave",
        N_("Leave a club."),
        text("club", N_("The club's name or #number"), rest=True, autocomplete="club_names"),
        aliases=("klub keluar",),
    )
    async def leave(self, ctx: Context, club: str) -> Reply:
        found = await self.find_club(ctx, club)
        if not await self.clubs.leave(found.id, ctx.member.id):
            raise UserError(ctx._("You are not in {club}.").format(club=found.name))
        return Reply.of(ctx._("You have left {club}.").format(club=found.name), private=True)

    # Seeing ------------------------------------------------------------------------------------

    @command("club list", N_("The reading clubs here."), aliases=("klub daftar",))
    async def list_clubs(self, ctx: Context) -> Reply:
        ctx.require_community()
        clubs = await self.clubs.clubs(ctx.circle)
        if not clubs:
            return Reply.of(ctx._("There is no reading club here yet."))
        now = ctx.clock.now()
        lines = []
        for club in clubs[:SHOWN]:
            reading = await self.clubs.current(club.id)
            members = await self.clubs.member_count(club.id)
            count = ctx.ngettext("{count} member", "{count} members", members).format(count=members)
            if reading is None:
                state = ctx._("between books")
            else:
                current = reading.plan.current(now)
                state = (
                    reading.title
                    + " · "
                    + (
                        ctx._("week {number} of {weeks}").format(
                            number=current.number, weeks=len(reading.plan.sections)
                        )
                        if current
                        else ctx._("starts {date}").format(date=day_text(ctx, reading.starts_at))
                    )
                )
            lines.append(
                Text.format(
                    "#{id} **{name}** — {state} · {count}",
                    id=club.id,
                    name=club.name,
                    state=state,
                    count=count,
                )
            )
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("Reading clubs"),
            choices=[Choice(_short(c.name), f"/club show #{c.id}") for c in clubs[:5]],
        )

    @command(
        "club show",
        N_("One club in detail."),
        text("club", N_("The club's name or #number"), rest=True, autocomplete="club_names"),
        aliases=("klub lihat",),
    )
    async def show(self, ctx: Context, club: str) -> Reply:
        found = await self.find_club(ctx, club)
        now = ctx.clock.now()
        reading = await self.clubs.current(found.id)
        names = [name for _, name in await self.clubs.member_names(found.id)]
        members = ", ".join(names) or "—"
        if reading is None:
            return Reply.of(
                ctx._("{club} is between books.").format(club=found.name),
                title=found.name,
                fields=[(ctx._("Members"), members)],
            )
        welcome = await self.posts.welcome(found, reading, ctx, now)
        fields = [f for f in welcome.fields if f.name != ctx._("First week")][:2]
        progress = await self.clubs.progress(reading.id)
        finished = await self.clubs.finished_count(reading.id)
        extra = [
            (ctx._("Members") + f" ({len(names)})", members),
            (
                ctx._("Progress"),
                ctx._("{shared} shared their progress, {finished} finished — /club board").format(
                    shared=len(progress), finished=finished
                ),
            ),
        ]
        meeting = self.posts.next_meeting(found, ctx, now)
        if meeting is not None:
            extra.append((ctx._("Next meeting"), date_text(ctx, meeting)))
        vote = await self.clubs.open_vote_of(found.id)
        if vote is not None:
            extra.append(
                (
                    ctx._("Vote on the next book"),
                    ctx._("open until {date}").format(date=date_text(ctx, vote.closes_at)),
                )
            )
        shown = Reply.of(welcome.text, title=welcome.title, fields=extra)
        return replace(
            shown,
            fields=tuple(fields) + shown.fields,
            choices=(
                Choice(ctx._("Join the club"), f"/club join #{found.id}", ChoiceStyle.PRIMARY),
                Choice(ctx._("Progress board"), f"/club board #{found.id}"),
            ),
        )


def _short(title: str) -> str:
    return title if len(title) <= 40 else title[:39] + "…"


def _no_home(ctx: Context) -> str:
    return ctx._(
        "I could not open a thread for the club here. Check that I may create "
        "threads (or topics) in this channel, then try again."
    )
