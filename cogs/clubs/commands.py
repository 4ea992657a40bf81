"""The reading clubs feature: a club's history, and managing its plan, meetings and questions.

Its commands build on each other: membership.py (create, join, leave, list, show), together.py
(progress, the board, votes), then this module. Storage is in store.py, the weekly plan in plan.py,
what the bot posts by itself in posts.py and votes.py.
"""

from __future__ import annotations

import logging

from bot.api.arguments import UserError
from bot.api.commands import N_, choice, command, integer, text
from bot.api.context import Context
from bot.api.replies import Reply
from bot.api.text import Text
from bot.time.recurrence import RecurrenceError, is_recurring, parse_recurrence
from bot.time.when import parse_when
from cogs.clubs.formatting import date_text, day_text
from cogs.clubs.store import Club
from cogs.clubs.together import Together

log = logging.getLogger("pustaka.clubs")

CLEAR = "-"
UNITS = [("pages", N_("pages")), ("chapters", N_("chapters"))]
SHOWN = 10  # clubs in a history


class Clubs(Together):
    name = "clubs"
    description = N_("Reading clubs")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "book": N_("parameter:book"),
        "books": N_("parameter:books"),
        "choice": N_("parameter:choice"),
        "club": N_("parameter:club"),
        "count": N_("parameter:count"),
        "name": N_("parameter:name"),
        "question": N_("parameter:question"),
        "start": N_("parameter:start"),
        "unit": N_("parameter:unit"),
        "vote": N_("parameter:vote"),
        "week": N_("parameter:week"),
        "weeks": N_("parameter:weeks"),
        "when": N_("parameter:when"),
        "where": N_("parameter:where"),
        "who": N_("parameter:who"),
    }

    @command(
        "club history",
        N_("What the clubs have read."),
        text("club", N_("Only this club (name or #number)"), required=False, rest=True),
        aliases=("klub riwayat",),
    )
    async def history(self, ctx: Context, club: str | None = None) -> Reply:
        ctx.require_community()
        clubs = await self.clubs.clubs(ctx.circle, active_only=False)
        if club:
            wanted = club.strip().casefold().lstrip("#")
            clubs = [c for c in clubs if wanted in (c.name.casefold(), str(c.id))]
            if not clubs:
                raise UserError(
                    ctx._("There is no club “{name}” here. /club list shows the clubs.").format(
                        name=club[:60]
                    )
                )
        if not clubs:
            return Reply.of(ctx._("There is no reading club here yet."))
        blocks = [await self._history_of(ctx, c) for c in clubs[-SHOWN:]]
        return Reply.of(Text.join(blocks, "\n\n"), title=ctx._("Reading club history"))

    async def _history_of(self, ctx: Context, club: Club) -> Text:
        if club.state == "finished" and club.finished_at:
            since = ctx._("{start} to {end}, finished").format(
                start=day_text(ctx, club.created_at), end=day_text(ctx, club.finished_at)
            )
        else:
            since = ctx._("since {date}").format(date=day_text(ctx, club.created_at))
        lines = [Text.format("**{name}** ({since})", name=club.name, since=since)]
        for number, reading in enumerate(await self.clubs.readings(club.id), 1):
            if reading.finished_at:
                when = f"{day_text(ctx, reading.starts_at)} – {day_text(ctx, reading.finished_at)}"
            else:
                when = ctx._("reading now, since {date}").format(
                    date=day_text(ctx, reading.starts_at)
                )
            finished = await self.clubs.finished_count(reading.id)
            notes = [
                when,
                ctx._("{count} finished the book").format(count=finished),
            ]
            if reading.vote_id:
                notes.append(ctx._("chosen by vote"))
            lines.append(
                Text.format(
                    "{number}. {title} — {notes}",
                    number=number,
                    title=reading.title,
                    notes=" · ".join(notes),
                )
            )
        return Text.join(lines, "\n")

    # Managing ----------------------------------------------------------------------------------

    @command(
        "club plan",
        N_("Plan by pages or chapters."),
        text("club", N_("The club's name or #number"), autocomplete="club_names"),
        choice(
            "unit",
            N_("Count in pages or chapters"),
            UNITS,
            synonyms={
                "pages": ("halaman", "hal", "hlm", "page"),
                "chapters": ("bab", "chapter", "bagian"),
            },
        ),
        integer(
            "count", N_("How many pages or chapters the book has"), min_value=1, max_value=10000
        ),
        aliases=("klub rencana",),
    )
    async def plan(self, ctx: Context, club: str, unit: str, count: int) -> Reply:
        found = await self.find_club(ctx, club)
        self.may_manage(ctx, found)
        reading = await self.reading_of(ctx, found)
        await self.clubs.replan(reading.id, unit, count)
        await self.posts.forget(found.id, reading.id)
        changed = await self.clubs.reading(reading.id)
        assert changed is not None
        await self.posts.schedule(found, changed)
        return Reply.of(
            self.posts.plan_text(changed, ctx, ctx.clock.now()),
            title=ctx._("New plan for {title}").format(title=changed.title),
        )

    @command(
        "club meet",
        N_("When a club meets."),
        text("club", N_("The club's name or #number"), autocomplete="club_names"),
        text(
            "when",
            N_('e.g. "Kamis depan jam 19.30", "setiap Kamis 19.30", or - for no meetings'),
            rest=True,
            time=True,
        ),
        aliases=("klub temu",),
    )
    async def meet(self, ctx: Context, club: str, when: str) -> Reply:
        found = await self.find_club(ctx, club)
        self.may_manage(ctx, found)
        now = ctx.clock.now()
        if when.strip() == CLEAR:
            await self.clubs.set_meeting(found.id, None, None)
            return Reply.of(ctx._("{club} has no meetings planned now.").format(club=found.name))
        if is_recurring(when):
            try:
                series = parse_recurrence(when, now, ctx.timezone)
            except RecurrenceError:
                raise UserError(self._unreadable(ctx, when)) from None
            await self.clubs.set_meeting(found.id, series.rule, series.start.isoformat())
        else:
            once = parse_when(when, now, ctx.timezone)
            if once is None:
                raise UserError(self._unreadable(ctx, when))
            if once <= now:
                raise UserError(
                    ctx._("{date} has already passed. Give a time in the future.").format(
                        date=date_text(ctx, once)
                    )
                )
            await self.clubs.set_meeting(found.id, None, once.isoformat())
        changed = await self.clubs.get(found.id)
        assert changed is not None
        meeting = self.posts.next_meeting(changed, ctx, now)
        return Reply.of(
            ctx._("{club} meets next on {date}.").format(
                club=found.name, date=date_text(ctx, meeting) if meeting else "—"
            )
        )

    def _unreadable(self, ctx: Context, when: str) -> str:
        return ctx._(
            "I can't read “{when}” as a meeting time. Try for example: Kamis depan jam 19.30, "
            "setiap Kamis 19.30, every Friday 7pm."
        ).format(when=when[:60])

    @command(
        "club prompt",
        N_("A week's discussion question."),
        text("club", N_("The club's name or #number"), autocomplete="club_names"),
        integer("week", N_("Which week"), min_value=1, max_value=52),
        text("question", N_("The question"), rest=True, max_length=500),
        aliases=("klub pertanyaan",),
    )
    async def prompt(self, ctx: Context, club: str, week: int, question: str) -> Reply:
        found = await self.find_club(ctx, club)
        self.may_manage(ctx, found)
        reading = await self.reading_of(ctx, found)
        sections = reading.plan.sections
        if week > len(sections):
            raise UserError(
                ctx.ngettext(
                    "The plan has {count} week.", "The plan has {count} weeks.", len(sections)
                ).format(count=len(sections))
            )
        if sections[week - 1].starts_at <= ctx.clock.now():
            raise UserError(
                ctx._("Week {number} has already begun: its question is out.").format(number=week)
            )
        await self.clubs.set_prompt(reading.id, week, question)
        return Reply.of(
            ctx._("The question for week {number} of {club} is set.").format(
                number=week, club=found.name
            )
        )

    @command(
        "club end",
        N_("Finish a club."),
        text("club", N_("The club's name or #number"), rest=True, autocomplete="club_names"),
        aliases=("klub selesai",),
    )
    async def end(self, ctx: Context, club: str) -> Reply:
        found = await self.find_club(ctx, club)
        self.may_manage(ctx, found)
        now = ctx.clock.now()
        reading = await self.clubs.current(found.id)
        if reading is not None:
            await self.clubs.finish_reading(reading.id, now)
        vote = await self.clubs.open_vote_of(found.id)
        if vote is not None:
            await self.clubs.close_vote(vote.id, "cancelled", None)
        await self.posts.forget(found.id)
        await self.clubs.finish(found.id, now)
        speaker = await self.posts.voice(found.community_id)
        await self.posts.post(
            found,
            Reply.of(
                speaker._("{club} has finished. Thank you for reading together!").format(
                    club=found.name
                )
            ),
        )
        return Reply.of(
            ctx._("{club} has finished; /club history keeps what it read.").format(club=found.name)
        )
