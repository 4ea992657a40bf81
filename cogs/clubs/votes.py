"""Votes on a club's next book: what was typed, the poll, and the result when the vote closes.

The tie rule, stated in every vote and in its result: among books with the most votes, the one
listed first in the vote wins. The winner becomes the club's book and a new plan starts at once,
as long as the plan before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.api.jobs import JobContext
from bot.api.replies import Choice, Poll, Reply
from bot.api.text import Text
from cogs.catalog.public import titled
from cogs.clubs.formatting import Speaker, date_text
from cogs.clubs.posts import Posts
from cogs.clubs.store import Club, ClubStore, Option, Vote

CLOSE = "club-vote-close"
FEWEST, MOST = 2, 10  # books in one vote
_UNTIL = re.compile(r"^(?:sampai|hingga|until|closes?|tutup)\s+(?P<when>.+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Typed:
    books: list[str]
    closes: str | None


def read_vote(text: str) -> Typed:
    """``A | B | C | sampai Jumat 20.00``: the books, and when it closes if said."""
    parts = [part.strip() for part in text.split("|")]
    closes = None
    if parts and (match := _UNTIL.match(parts[-1])):
        closes = match["when"].strip()
        parts = parts[:-1]
    return Typed([part for part in parts if part], closes)


def winner_of(counts: Mapping[int, int], positions: list[int]) -> tuple[int | None, list[int]]:
    """The winning position and every position tied at the top (None when nobody voted)."""
    most = max((counts.get(p, 0) for p in positions), default=0)
    if most == 0:
        return None, []
    top = [p for p in positions if counts.get(p, 0) == most]
    return min(top), top


def ballot_command(vote_id: int, position: int) -> str:
    return f"/club ballot {position} #{vote_id}"


class Votes:
    def __init__(self, posts: Posts, clubs: ClubStore) -> None:
        self.posts = posts
        self.clubs = clubs

    def poll(self, club: Club, vote: Vote, options: list[Option], speaker: Speaker) -> Reply:
        _ = speaker._
        now = self.posts.services.clock.now()
        seconds = max(60, int((vote.closes_at - now).total_seconds()))
        poll = Poll(
            _("Next book for {club}?").format(club=club.name),
            tuple(
                Choice(
                    titled(option.title, option.byline),
                    ballot_command(vote.id, option.position),
                    keep=True,
                )
                for option in options
            ),
            open_seconds=seconds,
        )
        text = Text.format(
            _(
                "Vote for the next book of **{club}**! The vote closes on {date}. "
                "If books tie, the one listed first wins."
            ),
            club=club.name,
            date=date_text(speaker, vote.closes_at),
        )
        return Reply.of(text, poll=poll)

    async def schedule(self, club: Club, vote: Vote) -> None:
        await self.posts.services.scheduler.schedule(
            CLOSE,
            f"club:{club.id}:vote:{vote.id}:close",
            vote.closes_at,
            {"vote": vote.id, "community": club.community_id},
        )

    async def close_job(self, ctx: JobContext) -> None:
        vote = await self.clubs.vote(int(ctx.payload["vote"]))
        if vote is None or vote.state not in ("open", "closed"):
            return
        club = await self.clubs.get(vote.club_id)
        if club is None or club.state != "active":
            if vote.state == "open":
                await self.clubs.close_vote(vote.id, "cancelled", None)
            return
        await self.close(await ctx.for_community(club.community_id), club, vote)

    async def close(self, ctx: JobContext, club: Club, vote: Vote) -> None:
        """Count and start the winner once, then announce it once: a result the platform did
        not take makes the job run again, which then only posts what is still unsent."""
        options = await self.clubs.options(vote.id)
        counts = await self.clubs.tally(vote.id)
        winner, tied = winner_of(counts, [o.position for o in options])
        now = self.posts.services.clock.now()
        if await self.clubs.close_vote(vote.id, "closed", winner) and winner is not None:
            await self._start_winner(club, vote, options[winner - 1], now)
        prefix = f"club:{club.id}:vote:{vote.id}"
        result = self.result(club, options, counts, winner, tied, ctx)
        await self.posts.post_once(ctx, f"{prefix}:result", club, result)
        if winner is None:
            return
        reading = await self.clubs.current(club.id)
        if reading is not None and reading.vote_id == vote.id:
            welcome = await self.posts.welcome(club, reading, ctx, now)
            await self.posts.post_once(ctx, f"{prefix}:welcome", club, welcome)

    async def _start_winner(self, club: Club, vote: Vote, chosen: Option, now: datetime) -> None:
        current = await self.clubs.current(club.id)
        weeks = current.weeks if current else 4
        if current is not None:
            await self.clubs.finish_reading(current.id, now)
            await self.posts.forget(club.id, current.id)
        book = await self.posts.catalog.book(chosen.book_id) if chosen.book_id else None
        await self.posts.start_reading(club, book, chosen.title, chosen.byline, now, weeks, vote.id)

    def result(
        self,
        club: Club,
        options: list[Option],
        counts: Mapping[int, int],
        winner: int | None,
        tied: list[int],
        speaker: Speaker,
    ) -> Reply:
        _ = speaker._
        lines = [
            Text.format(
                "{position}. {title} — {votes}",
                position=option.position,
                title=option.title,
                votes=speaker.ngettext(
                    "{count} vote", "{count} votes", counts.get(option.position, 0)
                ).format(count=counts.get(option.position, 0)),
            )
            for option in options
        ]
        if winner is None:
            verdict = Text.plain(_("Nobody voted, so the club keeps its book."))
        else:
            title = options[winner - 1].title
            if len(tied) > 1:
                verdict = Text.format(
                    _(
                        "A tie between {books}: **{title}** wins, because the tie rule gives it "
                        "to the book listed first."
                    ),
                    books=", ".join(options[p - 1].title for p in tied),
                    title=title,
                )
            else:
                verdict = Text.format(
                    _("**{title}** wins and is the club's next book."), title=title
                )
        return Reply.of(
            Text.join([*lines, Text(), verdict], "\n"),
            title=_("{club}: the vote has closed").format(club=club.name),
        )
