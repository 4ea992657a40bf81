"""What a club's home shows: the welcome card with its plan, and each week's prompt, posted by
itself at the section's start through the durable scheduler.

Section jobs are keyed ``club:<club>:reading:<reading>:r<revision>:s<section>``; a new plan takes
the next revision and cancels the old jobs, and the handler checks the revision, so a week's
prompt goes out once, for the plan in force. Posts in the community's language and timezone.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, cast

from bot.api.context import Destination
from bot.api.jobs import JobContext
from bot.api.replies import Choice, ChoiceStyle, Field, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.catalog.store import Book, Catalog
from bot.time.recurrence import Recurrence
from cogs.catalog.public import card, headline
from cogs.clubs.formatting import Speaker, date_text, day_text, range_text
from cogs.clubs.plan import Section
from cogs.clubs.prompts import choose, load_prompts
from cogs.clubs.store import Club, ClubStore, NewReading, Reading

if TYPE_CHECKING:
    from bot.api.context import Context

log = logging.getLogger("pustaka.clubs")

SECTION = "club-section"


class Posts:
    def __init__(self, services: Services, clubs: ClubStore, catalog: Catalog) -> None:
        self.services = services
        self.clubs = clubs
        self.catalog = catalog
        self.prompts = load_prompts()

    async def voice(self, community_id: int) -> JobContext:
        """The community's language and timezone, for what the bot posts by itself."""
        return await JobContext.start(self.services).for_community(community_id)

    async def post(self, club: Club, *replies: Reply) -> bool:
        """Post in the club's home (see :func:`tagged`); False when its platform is not running."""
        home = Destination.from_key(club.home)
        return await self.services.messenger.send(home, *tagged(club, replies))

    async def post_once(self, ctx: JobContext, key: str, club: Club, *replies: Reply) -> None:
        """Post in the club's home once for `key`; raises NotDelivered (the job is retried)
        when the platform is not running or refuses."""
        await ctx.send_once(key, *tagged(club, replies), to=Destination.from_key(club.home))

    # What is posted ----------------------------------------------------------------------------

    async def prompt(self, reading: Reading, section: int, locale: str) -> str:
        """The moderator's question for the week, else one from the bundled set."""
        own = await self.clubs.own_prompt(reading.id, section)
        if own:
            return own
        count = len(reading.plan.sections)
        return choose(self.prompts, reading.id, section, count).text(locale)

    def next_meeting(self, club: Club, speaker: Speaker, after: datetime) -> datetime | None:
        if not club.meeting_start:
            return None
        if club.meeting_rule:
            series = Recurrence(club.meeting_rule, datetime.fromisoformat(club.meeting_start))
            found = next(series.after(after, speaker.timezone), None)
            return found.starts_at if found else None
        once = datetime.fromisoformat(club.meeting_start)
        return once if once > after else None

    async def section_reply(
        self, club: Club, reading: Reading, section: Section, speaker: Speaker
    ) -> Reply:
        _ = speaker._
        weeks = len(reading.plan.sections)
        lines = [
            Text.format(
                _("This week: {range} of **{title}**, until {date}."),
                range=range_text(speaker, section),
                title=reading.title,
                date=day_text(speaker, section.ends_at),
            ),
            Text.format(
                _("**Let's discuss:** {prompt}"),
                prompt=await self.prompt(reading, section.number, speaker.locale),
            ),
        ]
        meeting = self.next_meeting(club, speaker, section.starts_at)
        if meeting is not None:
            lines.append(Text.format(_("Next meeting: {date}."), date=date_text(speaker, meeting)))
        return Reply.of(
            Text.join(lines, "\n\n"),
            title=_("{club} — week {number} of {weeks}").format(
                club=club.name, number=section.number, weeks=weeks
            ),
            footer=_(
                "Where are you? /club progress 120 (a page), chapter 3 or 45% — then /club board"
            ),
        )

    def plan_text(self, reading: Reading, speaker: Speaker, now: datetime) -> Text:
        plan = reading.plan
        current = plan.current(now)
        lines = []
        for section in plan.sections:
            mark = "▸ " if current is not None and section.number == current.number else ""
            lines.append(
                Text.format(
                    "{mark}{label} · {date} · {range}",
                    mark=mark,
                    label=speaker._("Week {number}").format(number=section.number),
                    date=day_text(speaker, section.starts_at),
                    range=range_text(speaker, section),
                )
            )
        return Text.join(lines, "\n")

    async def welcome(self, club: Club, reading: Reading, speaker: Speaker, now: datetime) -> Reply:
        """The home's first message (and a new book's): the book card, the plan, the first
        week's prompt when the reading has begun, and a button to join."""
        _ = speaker._
        book = await self.catalog.book(reading.book_id) if reading.book_id else None
        shown = card(cast("Context", speaker), book) if book is not None else Reply.of()
        fields = [Field(_("Reading plan"), self.plan_text(reading, speaker, now))]
        fields.extend(shown.fields[:1])  # availability: where to borrow it
        first = reading.plan.sections[0]
        if first.starts_at <= now:
            section = await self.section_reply(club, reading, first, speaker)
            fields.append(Field(section.title or "", section.text))
        else:
            fields.append(
                Field(
                    _("First week"),
                    Text.plain(
                        _("The first discussion question comes on {date}.").format(
                            date=date_text(speaker, first.starts_at)
                        )
                    ),
                )
            )
        return Reply(
            text=shown.text,
            title=_("{club}: {title}").format(
                club=club.name, title=headline(reading.title, reading.byline)
            ),
            fields=tuple(fields),
            choices=(Choice(_("Join the club"), f"/club join #{club.id}", ChoiceStyle.PRIMARY),),
        )

    # Scheduling --------------------------------------------------------------------------------

    async def schedule(self, club: Club, reading: Reading) -> None:
        """A job for every section still to start (idempotent)."""
        now = self.services.clock.now()
        for section in reading.plan.sections:
            if section.starts_at > now:
                await self.services.scheduler.schedule(
                    SECTION,
                    f"club:{club.id}:reading:{reading.id}:r{reading.revision}:s{section.number}",
                    section.starts_at,
                    {
                        "reading": reading.id,
                        "revision": reading.revision,
                        "section": section.number,
                        "community": club.community_id,
                    },
                )

    async def forget(self, club_id: int, reading_id: int | None = None) -> None:
        prefix = f"club:{club_id}:" + (f"reading:{reading_id}:" if reading_id else "")
        await self.services.scheduler.cancel(prefix)

    async def section_job(self, ctx: JobContext) -> None:
        reading = await self.clubs.reading(int(ctx.payload["reading"]))
        if reading is None or reading.state != "reading" or ctx.job is None:
            return
        if reading.revision != int(ctx.payload["revision"]):
            return
        club = await self.clubs.get(reading.club_id)
        sections = reading.plan.sections
        number = int(ctx.payload["section"])
        if club is None or club.state != "active" or not 1 <= number <= len(sections):
            return
        ctx = await ctx.for_community(club.community_id)
        reply = await self.section_reply(club, reading, sections[number - 1], ctx)
        await self.post_once(ctx, ctx.job.key, club, reply)

    async def start_reading(
        self,
        club: Club,
        book: Book | None,
        title: str,
        byline: str,
        starts_at: datetime,
        weeks: int,
        vote_id: int | None = None,
    ) -> Reading:
        reading_id = await self.clubs.start_reading(
            club.id, new_reading(book, title, byline, starts_at, weeks, vote_id)
        )
        reading = await self.clubs.reading(reading_id)
        assert reading is not None
        await self.schedule(club, reading)
        return reading


def new_reading(
    book: Book | None,
    title: str,
    byline: str,
    starts_at: datetime,
    weeks: int,
    vote_id: int | None = None,
) -> NewReading:
    return NewReading(
        book.id if book else None,
        title,
        byline,
        starts_at,
        weeks,
        book.record.pages if book else None,
        vote_id,
    )


def tagged(club: Club, replies: tuple[Reply, ...]) -> tuple[Reply, ...]:
    """Where a club's home is the group itself, its posts go under the club's hashtag."""
    if not club.hashtag:
        return replies
    return tuple(replace(r, text=Text.plain(club.hashtag + "\n") + r.text) for r in replies)
