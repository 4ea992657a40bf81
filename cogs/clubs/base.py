"""What every club command needs: the stores, finding a club or a book from what was typed,
and who may manage a club."""

from __future__ import annotations

from bot.api.arguments import UserError, tokenize
from bot.api.commands import Feature, Option
from bot.api.context import Context, Destination
from bot.api.jobs import JobContext, job
from bot.api.places import place_text
from bot.api.services import Services
from bot.catalog.search import search
from bot.catalog.store import Book, Catalog
from bot.storage.scheduler import Job
from cogs.catalog.public import byline, headline
from cogs.clubs.insight import clubs_insight
from cogs.clubs.posts import SECTION, Posts
from cogs.clubs.store import Club, ClubStore, Reading
from cogs.clubs.votes import CLOSE, Votes
from cogs.stats.public import InsightWanted

SUGGESTIONS = 10


class ClubBase(Feature):
    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.clubs = ClubStore(services.store)
        self.catalog = Catalog(services.store, services.clock)
        self.posts = Posts(services, self.clubs, self.catalog)
        self.votes = Votes(self.posts, self.clubs)
        services.events.subscribe(InsightWanted, clubs_insight)

    @job(SECTION)
    async def _section_job(self, ctx: JobContext) -> None:
        await self.posts.section_job(ctx)

    @job(CLOSE)
    async def _vote_close_job(self, ctx: JobContext) -> None:
        await self.votes.close_job(ctx)

    async def describe_job(self, ctx: JobContext, job: Job, circle: tuple[int, ...]) -> str | None:
        """/calendar's line for a club's weekly discussion post or the close of its vote."""
        if job.kind == SECTION:
            reading = await self.clubs.reading(int(job.payload["reading"]))
            if reading is None or reading.state != "reading":
                return None
            if reading.revision != int(job.payload["revision"]):
                return None
            club = await self.clubs.get(reading.club_id)
            if club is None or club.state != "active" or club.community_id not in circle:
                return None
            return ctx._("{club}: the discussion of part {number} of {title}, {where}").format(
                club=club.name,
                number=int(job.payload["section"]),
                title=reading.title,
                where=place_text(ctx._, Destination.from_key(club.home)),
            )
        if job.kind == CLOSE:
            vote = await self.clubs.vote(int(job.payload["vote"]))
            club = await self.clubs.get(vote.club_id) if vote and vote.state == "open" else None
            if club is None or club.state != "active" or club.community_id not in circle:
                return None
            return ctx._(
                "{club}: the vote for the next book closes with its result, {where}"
            ).format(club=club.name, where=place_text(ctx._, Destination.from_key(club.home)))
        return None

    async def on_start(self) -> None:
        """Schedule what a restart or an older version left unscheduled (idempotent)."""
        for club in await self.clubs.active():
            reading = await self.clubs.current(club.id)
            if reading is not None:
                await self.posts.schedule(club, reading)
            vote = await self.clubs.open_vote_of(club.id)
            if vote is not None:
                await self.votes.schedule(club, vote)

    # Finding clubs -----------------------------------------------------------------------------

    async def find_club(self, ctx: Context, wanted: str) -> Club:
        """An active club of this community by ``#id`` or name (or the start of one name)."""
        ctx.require_community()
        clubs = await self.clubs.clubs(ctx.circle)
        found = match_club(clubs, wanted)
        if found is None:
            raise UserError(
                ctx._("There is no club “{name}” here. /club list shows the clubs.").format(
                    name=wanted[:60]
                )
            )
        return found

    async def club_here(
        self, ctx: Context, text: str, *, command: str, name_first: bool = True
    ) -> tuple[Club, str]:
        """The club a command means, and the rest of what was typed.

        In this order: ``Club name: …`` at the start; the club whose thread, topic or room this
        is (a group shared under hashtags is no club's own place); the member's only club; the
        community's only club. `name_first` is False for a command that takes the club as its
        argument instead (the hint then shows ``/command Club name``).
        """
        ctx.require_community()
        clubs = await self.clubs.clubs(ctx.circle)
        head, colon, rest = text.partition(":")
        if colon and (named := match_club(clubs, head, exact=True)) is not None:
            return named, rest.strip()
        if (leading := named_first(clubs, text)) is not None:
            return leading
        if (home := home_club(clubs, ctx)) is not None:
            return home, text.strip()
        candidates = await self.clubs.clubs_of(ctx.member.id, ctx.circle) or clubs
        if len(candidates) == 1:
            return candidates[0], text.strip()
        if not candidates:
            raise UserError(ctx._("There is no reading club here yet."))
        if not name_first:
            raise UserError(
                ctx._(
                    "Which club? Send it in the club's thread, or name the club: /{command} {name}"
                ).format(command=command, name=candidates[0].name)
            )
        raise UserError(
            ctx._(
                "Which club? Send it in the club's thread, or put the club's name first: "
                "/{command} {name}: …"
            ).format(command=command, name=candidates[0].name)
        )

    async def reading_of(self, ctx: Context, club: Club) -> Reading:
        reading = await self.clubs.current(club.id)
        if reading is None:
            raise UserError(
                ctx._("{club} is between books: no reading yet.").format(club=club.name)
            )
        return reading

    def may_manage(self, ctx: Context, club: Club) -> None:
        """Moderators, and the member who created the club."""
        if not ctx.is_moderator and club.created_by != ctx.member.id:
            raise UserError(
                ctx._("Only moderators and the club's creator can do that for {club}.").format(
                    club=club.name
                )
            )

    async def club_names(self, ctx: Context, current: str) -> list[Option]:
        """Autocomplete: this community's clubs."""
        if ctx.community is None:
            return []
        wanted = current.strip().casefold()
        return [
            Option(club.name, club.name)
            for club in await self.clubs.clubs(ctx.circle)
            if wanted in club.name.casefold()
        ][:SUGGESTIONS]

    # Finding books -----------------------------------------------------------------------------

    async def find_book(self, ctx: Context, wanted: str) -> Book:
        """A catalog book by ``#id`` or the best match of a search."""
        wanted = wanted.strip()
        if wanted.startswith("#") and wanted[1:].isdigit():
            book = await self.catalog.book(int(wanted[1:]))
            if book is None:
                raise UserError(ctx._("There is no book #{number}.").format(number=wanted[1:]))
            return book
        results = await search(self.catalog, wanted, limit=1)
        if not results.books:
            raise UserError(
                ctx._("The catalog has nothing matching “{query}”. Try /book first.").format(
                    query=wanted[:80]
                )
            )
        return results.books[0]

    async def book_titles(self, ctx: Context, current: str) -> list[Option]:
        """Autocomplete: catalog books, sent as ``#id`` so the very book is chosen."""
        if len(current.strip()) < 2:
            return []
        results = await search(self.catalog, current, limit=SUGGESTIONS)
        return [Option(f"#{b.id}", _label(b)) for b in results.books]

    async def vote_titles(self, ctx: Context, current: str) -> list[Option]:
        """Autocomplete for ``A | B | …``: the books typed so far, then suggestions for the last."""
        *before, last = [part.strip() for part in current.split("|")]
        if len(last) < 2:
            return []
        results = await search(self.catalog, last, limit=SUGGESTIONS)
        shown = [await self._shown(part) for part in before]
        options = []
        for book in results.books:
            value = " | ".join([*before, f"#{book.id}"])
            label = " | ".join([*shown, book.record.title])
            if len(value) <= 100:
                options.append(Option(value, label[-100:]))
        return options

    async def _shown(self, part: str) -> str:
        if part.startswith("#") and part[1:].isdigit():
            book = await self.catalog.book(int(part[1:]))
            if book is not None:
                return book.record.title
        return part


def match_club(clubs: list[Club], wanted: str, *, exact: bool = False) -> Club | None:
    wanted = wanted.strip()
    if wanted.startswith("#") and wanted[1:].isdigit():
        return next((c for c in clubs if c.id == int(wanted[1:])), None)
    key = wanted.casefold()
    if not key:
        return None
    same = [c for c in clubs if c.name.casefold() == key]
    if same or exact:
        return same[0] if same else None
    starting = [c for c in clubs if c.name.casefold().startswith(key)]
    if starting or exact:
        return starting[0] if len(starting) == 1 else None
    # "laskar" for "Klub Laskar Pelangi": the start of a word of the name, after its first.
    inside = [c for c in clubs if f" {key}" in f" {c.name.casefold()}"]
    return inside[0] if len(inside) == 1 else None


def named_first(clubs: list[Club], text: str) -> tuple[Club, str] | None:
    """A club named at the start of what was typed, and the rest: ``#1 …``, ``"Klub Bumi" …``
    (or the start of its name in quotes) or the club's whole name without quotes,
    ``Klub Bumi 25%``. Only when something follows the name."""
    tokens = tokenize(text)
    if len(tokens) < 2 or tokens[1].text.startswith("|"):
        return None
    first = tokens[0]
    if first.text.startswith("#") or text[first.start] in '"\u201c\u201e\u00ab':
        found = match_club(clubs, first.text)
        return (found, text[first.end :].strip()) if found is not None else None
    for count in range(len(tokens) - 1, 0, -1):
        name = text[: tokens[count - 1].end]
        if (found := match_club(clubs, name, exact=True)) is not None:
            return found, text[tokens[count].start :].strip()
    return None


def home_club(clubs: list[Club], ctx: Context) -> Club | None:
    """The club whose own thread, topic or room the command came from (a group shared under
    hashtags is no club's own place)."""
    for club in clubs:
        home = Destination.from_key(club.home) if club.home else None
        if home and not club.hashtag and _same_place(home, ctx.channel):
            return club
    return None


def _same_place(home: Destination, here: Destination) -> bool:
    return (home.platform, home.channel_id, home.thread_id) == (
        here.platform,
        here.channel_id,
        here.thread_id,
    )


def _label(book: Book) -> str:
    return headline(book.record.title, byline(book))[:100]
