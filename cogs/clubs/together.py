"""Reading together: members say where they are, see the board, and vote on the next book."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.api.arguments import UserError
from bot.api.commands import N_, command, integer, text
from bot.api.context import Context, Destination
from bot.api.replies import Reply
from bot.api.text import Text
from bot.storage.scheduler import NotDelivered
from bot.time.when import parse_when
from cogs.catalog.public import byline
from cogs.clubs.base import _same_place
from cogs.clubs.formatting import date_text, position_text, range_text
from cogs.clubs.membership import Membership
from cogs.clubs.plan import Position, PositionError, fraction_of, read_position
from cogs.clubs.store import Club, Reading, Vote
from cogs.clubs.votes import FEWEST, MOST, read_vote
from cogs.stats.public import VOTE, Responded

log = logging.getLogger("pustaka.clubs")

VOTE_DAYS = 3  # a vote stays open this long when no closing time is given
LONGEST_VOTE = timedelta(days=30)
NOTE_LENGTH = 200


class Together(Membership):
    # Progress ----------------------------------------------------------------------------------

    @command(
        "club progress",
        N_("Say where you are in the book."),
        text(
            "where",
            N_("A page (120), a percent (45%) or a chapter (chapter 5), then a note if you like"),
            rest=True,
            max_length=400,
        ),
        aliases=("klub progres", "klub posisi"),
    )
    async def progress(self, ctx: Context, where: str) -> Reply:
        club, rest = await self.club_here(ctx, where, command="club progress")
        if not await self.clubs.is_member(club.id, ctx.member.id):
            raise UserError(
                ctx._("You are not in {club}: join it first with /club join {club}.").format(
                    club=club.name
                )
            )
        reading = await self.reading_of(ctx, club)
        read = read_position(rest)
        if read is None:
            raise UserError(
                ctx._(
                    "I can't read “{where}” as a place in the book. Write a page (120), "
                    "a percent (45%), a chapter (chapter 5) or finished."
                ).format(where=rest[:40])
            )
        position, note = read
        fraction = self._fraction(ctx, reading, position)
        unit = position.unit or reading.unit
        now = ctx.clock.now()
        await self.clubs.record(
            reading.id, ctx.member.id, fraction, unit, position.value, note[:NOTE_LENGTH], now
        )
        plan = reading.plan
        section = plan.section_of(fraction)
        place = position_text(ctx, unit, position.value)
        if unit != "percent":
            place += f" ({round(fraction * 100)}%)"
        lines = [ctx._("Noted: {place} of {title}.").format(place=place, title=reading.title)]
        current = plan.current(now)
        if fraction >= 1:
            lines.append(ctx._("You have finished the book. Congratulations!"))
        elif current is not None and section.number > current.number:
            lines.append(
                ctx._("You are ahead of the plan: your note shows as a spoiler on the board.")
            )
        elif current is not None and section.number < current.number:
            lines.append(
                ctx._("The club is reading {range} this week.").format(
                    range=range_text(ctx, current)
                )
            )
        return Reply.of("\n".join(lines), private=True)

    def _fraction(self, ctx: Context, reading: Reading, position: Position) -> float:
        if position.unit == "":
            if reading.unit == "percent":
                raise UserError(
                    ctx._(
                        "I don't know how many pages {title} has: give a percent (45%), or a "
                        "moderator can set the pages or chapters with /club plan."
                    ).format(title=reading.title)
                )
            position = Position(reading.unit, position.value)
        try:
            return fraction_of(position, reading.counts)
        except PositionError as error:
            messages = {
                ("no-count", "pages"): ctx._(
                    "I don't know how many pages {title} has: give a percent (45%), or a "
                    "moderator can set the pages or chapters with /club plan."
                ),
                ("no-count", "chapters"): ctx._(
                    "I don't know how many chapters {title} has: give a percent (45%), or a "
                    "moderator can set them with /club plan."
                ),
                ("beyond", "pages"): ctx._("{title} has {total} pages."),
                ("beyond", "chapters"): ctx._("{title} has {total} chapters."),
                ("beyond", "percent"): ctx._("A percent goes up to 100."),
            }
            raise UserError(
                messages[(error.reason, error.unit)].format(title=reading.title, total=error.total)
            ) from None

    @command(
        "club board",
        N_("Where everyone is, without spoilers."),
        text(
            "club",
            N_("The club (empty: yours, or the one whose thread this is)"),
            required=False,
            rest=True,
            autocomplete="club_names",
        ),
        aliases=("klub papan",),
    )
    async def board(self, ctx: Context, club: str | None = None) -> Reply:
        found = (
            await self.find_club(ctx, club)
            if club
            else (await self.club_here(ctx, "", command="club board", name_first=False))[0]
        )
        reading = await self.reading_of(ctx, found)
        plan = reading.plan
        now = ctx.clock.now()
        current = plan.current(now)
        lines: list[Text] = []
        if current is None:
            lines.append(
                Text.plain(
                    ctx._("Reading starts on {date}.").format(date=date_text(ctx, plan.starts_at))
                )
            )
        else:
            lines.append(
                Text.format(
                    ctx._("This week (week {number} of {weeks}): {range}."),
                    number=current.number,
                    weeks=len(plan.sections),
                    range=range_text(ctx, current),
                )
            )
        limit = plan.end_fraction(current) if current is not None else 0.0
        everyone = await self.clubs.progress(reading.id)
        names = dict(await self.clubs.member_names(found.id))
        for rank, entry in enumerate((e for e in everyone if e.member_id in names), 1):
            section = plan.section_of(entry.fraction)
            line = Text.format(
                "{rank}. **{name}** — {place} · {week}",
                rank=rank,
                name=entry.name,
                place=position_text(ctx, entry.unit, entry.value),
                week=ctx._("week {number}").format(number=section.number),
            )
            if entry.note:
                line += self._note(ctx, entry.note, spoiler=entry.fraction > limit + 1e-9)
            lines.append(line)
        started = {e.member_id for e in everyone}
        waiting = [name for member_id, name in names.items() if member_id not in started]
        if waiting:
            lines.append(
                Text.plain(ctx._("Not started yet: {names}").format(names=", ".join(waiting)))
            )
        if len(lines) == 1:
            lines.append(Text.plain(ctx._("Nobody has shared their progress yet.")))
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("{club}: who is where in {title}").format(
                club=found.name, title=reading.title
            ),
            footer=ctx._("Notes from beyond this week's section are hidden as spoilers."),
        )

    def _note(self, ctx: Context, note: str, *, spoiler: bool) -> Text:
        """A member's note on the board; one from beyond this week is a spoiler, which each
        platform hides its own way (tapped to reveal, or never printed in the console)."""
        if not spoiler:
            return Text.format(" · “{note}”", note=note)
        return Text.format(" · ||“{note}”||", note=note)

    # Votes -------------------------------------------------------------------------------------

    @command(
        "club vote",
        N_("Vote on the next book: 2 to 10 books separated by |."),
        text(
            "books",
            N_("Books separated by |, and “| sampai <when>” to set when it closes (3 days)"),
            rest=True,
            autocomplete="vote_titles",
        ),
        aliases=("klub voting",),
    )
    async def vote(self, ctx: Context, books: str) -> Reply:
        club, rest = await self.club_here(ctx, books, command="club vote")
        self.may_manage(ctx, club)
        now = ctx.clock.now()
        typed = read_vote(rest)
        if len(typed.books) < FEWEST:
            raise UserError(
                ctx._(
                    "A vote needs at least two books, separated by |, e.g. "
                    "/club vote Bumi Manusia | Cantik Itu Luka"
                )
            )
        if len(typed.books) > MOST:
            raise UserError(ctx._("A vote takes at most {count} books.").format(count=MOST))
        options = []
        for wanted in typed.books:
            book = await self.find_book(ctx, wanted)
            if any(book.id == chosen for chosen, _, _ in options):
                raise UserError(
                    ctx._("{title} is in the vote twice.").format(title=book.record.title)
                )
            options.append((book.id, book.record.title, byline(book)))
        closes = self._closes(ctx, typed.closes)
        # Once per /club vote: one handled again after a crash finds the vote it opened, and
        # its poll goes out once for its key.
        vote_id, already = await self.clubs.open_vote(
            club.id, options, closes, ctx.member.id, now, once=ctx.once
        )
        if already is not None:
            open_vote = await self.clubs.vote(already)
            assert open_vote is not None
            raise UserError(
                ctx._("{club} already has an open vote; it closes on {date}.").format(
                    club=club.name, date=date_text(ctx, open_vote.closes_at)
                )
            )
        assert vote_id is not None
        vote = await self.clubs.vote(vote_id)
        assert vote is not None
        await self.votes.schedule(club, vote)
        speaker = await self.posts.voice(club.community_id)
        poll = self.votes.poll(club, vote, await self.clubs.options(vote_id), speaker)
        try:
            await self.services.scheduler.send_once(
                f"club:{club.id}:vote:{vote.id}:poll", lambda: self.posts.post(club, poll)
            )
        except NotDelivered:
            log.warning("the poll of vote %s was not posted in %s's home", vote.id, club.name)
        return Reply.of(
            ctx._("The vote is open in {club}'s home until {date}.").format(
                club=club.name, date=date_text(ctx, vote.closes_at)
            ),
            private=_same_place(Destination.from_key(club.home), ctx.channel),
        )

    def _closes(self, ctx: Context, typed: str | None) -> datetime:
        now = ctx.clock.now()
        if typed is None:
            return now + timedelta(days=VOTE_DAYS)
        closes = parse_when(typed, now, ctx.timezone)
        if closes is None:
            raise UserError(
                ctx._(
                    "I can't read “{when}” as a time. Try for example: Jumat jam 20.00, "
                    "besok pukul 19.00, 2026-12-05 20:00."
                ).format(when=typed[:60])
            )
        if closes <= now:
            raise UserError(
                ctx._("{date} has already passed. Give a time in the future.").format(
                    date=date_text(ctx, closes)
                )
            )
        if closes - now > LONGEST_VOTE:
            raise UserError(ctx._("A vote can stay open for at most 30 days."))
        return closes

    @command(
        "club ballot",
        N_("Vote for a book."),
        integer("choice", N_("The book's number in the vote"), min_value=1, max_value=MOST),
        text("vote", N_("Which vote, as #number (empty: the open one)"), required=False),
        aliases=("klub pilih",),
    )
    async def ballot(self, ctx: Context, choice: int, vote: str | None = None) -> list[Reply]:
        # A vote from a native poll names its vote; the poll itself shows the member their vote.
        silent = vote is not None and ctx.capabilities.native_polls
        found, club = await self._vote(ctx, vote)
        if found.state != "open":
            return [] if silent else [Reply.of(ctx._("This vote has closed."), private=True)]
        options = await self.clubs.options(found.id)
        if choice > len(options):
            raise UserError(
                ctx._("The vote has {count} books: choose a number from 1 to {count}.").format(
                    count=len(options)
                )
            )
        await self.clubs.cast(found.id, ctx.member.id, choice, ctx.clock.now())
        post = ctx._("Vote #{vote} of {club}").format(vote=found.id, club=club.name)
        await self.services.events.publish(Responded(ctx, post, VOTE, club.name))
        if silent:
            return []
        return [
            Reply.of(
                ctx._("Your vote for {club}: {title}. You can change it until {date}.").format(
                    club=club.name,
                    title=options[choice - 1].title,
                    date=date_text(ctx, found.closes_at),
                ),
                private=True,
            )
        ]

    async def _vote(self, ctx: Context, wanted: str | None) -> tuple[Vote, Club]:
        ctx.require_community()
        if wanted:
            number = wanted.strip().lstrip("#")
            vote = await self.clubs.vote(int(number)) if number.isdigit() else None
            club = await self.clubs.get(vote.club_id) if vote else None
            if vote is None or club is None or club.community_id not in ctx.circle:
                raise UserError(ctx._("There is no vote {vote} here.").format(vote=wanted[:20]))
            return vote, club
        club, _ = await self.club_here(ctx, "", command="club ballot")
        vote = await self.clubs.open_vote_of(club.id)
        if vote is None:
            raise UserError(ctx._("{club} has no open vote.").format(club=club.name))
        return vote, club
