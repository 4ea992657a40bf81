"""Members' shelves, ratings and suggestions: /shelf, /rate, /suggest.

A book is named as members type it (`Bumi Manusia`, or `#12` from a button); when a command
takes more after the book (a status, stars, a note) the book's end is found by an exact title,
quotes, or the stars. Discord cannot offer a command and a group of the same name, so the
plain form is declared as a subcommand with the bare name as its alias (`/shelf show` is also
`/shelf`, `/suggest post` also `/suggest`).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.api.arguments import UsageError, UserError, tokenize
from bot.api.commands import N_, Feature, command, integer, text
from bot.api.context import Context
from bot.api.replies import Choice, ChoiceStyle, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.catalog.store import Book, Catalog
from cogs.catalog.public import (
    CardExtras,
    ask_which,
    book_card,
    exact_title,
    find_book,
    split_title,
    titled,
    wanted_missing,
)
from cogs.shelf.ratings import rating_fields
from cogs.shelf.ratings import stars as star_marks
from cogs.shelf.store import ShelfStore, Suggestion

NOTE_LIMIT = 300  # characters
REVIEW_LIMIT = 500  # characters
SHELF_SHOWN = 10  # books a section
STATUS_WORDS = {
    "want": "want",
    "ingin": "want",
    "mau": "want",
    "reading": "reading",
    "sedang": "reading",
    "membaca": "reading",
    "read": "read",
    "selesai": "read",
    "sudah": "read",
}


class ShelfFeature(Feature):
    name = "shelf"
    description = N_("Shelves and suggestions")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "book": N_("parameter:book"),
        "id": N_("parameter:id"),
        "member": N_("parameter:member"),
        "review": N_("parameter:review"),
        "stars": N_("parameter:stars"),
    }

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.catalog = Catalog(services.store, services.clock)
        self.shelves = ShelfStore(services.store)
        services.events.subscribe(CardExtras, rating_fields)

    # /shelf ---------------------------------------------------------------------------------

    @command(
        "shelf show",
        N_("Your reading shelf or a member's."),
        text("member", N_("A member's name (yourself if left out)"), required=False, rest=True),
        aliases=("shelf", "rak", "rak lihat"),
    )
    async def shelf(self, ctx: Context, member: str | None) -> Reply:
        return await self._show(ctx, member)

    @command(
        "shelf add",
        N_("Put a book on your shelf."),
        text(
            "book",
            N_("The book, then want, reading or read (want if left out)"),
            rest=True,
            max_length=300,
        ),
        aliases=("rak tambah",),
    )
    async def shelf_add(self, ctx: Context, book: str) -> Reply:
        title, status = await self._title_and_status(book)
        found = await find_book(self.catalog, title)
        if found.book is None:
            if status == "want" and found.unmet:  # a book they want that the library lacks
                await wanted_missing(ctx, title)
            return ask_which(ctx, title, found, lambda t: f"/shelf add {t} {status}")
        before = await self.shelves.put(ctx.member.id, found.book.id, status, ctx.clock.now())
        messages = {
            "want": ctx._("{title} is on your shelf: you want to read it."),
            "reading": ctx._("{title} is on your shelf: you are reading it."),
            "read": ctx._("{title} is on your shelf: you have read it."),
        }
        said = messages[status].format(title=found.book.record.title)
        if before == status:
            said = ctx._("{title} was already on your shelf like that.").format(
                title=found.book.record.title
            )
        choices = [Choice(ctx._("My shelf"), "/shelf")]
        if status == "read":
            choices.insert(0, Choice(ctx._("Rate it"), f"/rate #{found.book.id} 5"))
        return Reply.of(said, choices=choices)

    async def _title_and_status(self, value: str) -> tuple[str, str]:
        tokens = tokenize(value)
        last = tokens[-1].text.casefold() if tokens else ""
        if len(tokens) < 2 or last not in STATUS_WORDS or await exact_title(self.catalog, value):
            return value, "want"
        return value[: tokens[-1].start].strip(), STATUS_WORDS[last]

    async def _show(self, ctx: Context, name: str | None) -> Reply:
        member_id, shown = ctx.member.id, ctx.member.display_name
        if name:
            found = await self._member(ctx, name.lstrip("@"))
            if found is None:
                raise UserError(
                    ctx._("I don't know a member called {name} here.").format(name=name)
                )
            member_id, shown = found
        entries = await self.shelves.shelf(member_id, limit=SHELF_SHOWN * 3)
        if not entries:
            if member_id == ctx.member.id:
                return Reply.of(
                    ctx._("Your shelf is empty. Add a book: /shelf add Bumi Manusia read")
                )
            return Reply.of(ctx._("{name}'s shelf is empty.").format(name=shown))
        headings = {
            "reading": ctx._("Reading now"),
            "want": ctx._("Wants to read"),
            "read": ctx._("Read"),
        }
        fields = []
        for status in ("reading", "want", "read"):
            lines = [
                Text.format(
                    "• {title}{stars}",
                    title=e.title,
                    stars=f" {star_marks(e.stars)}" if e.stars else "",
                )
                for e in entries
                if e.status == status
            ][:SHELF_SHOWN]
            if lines:
                fields.append((headings[status], Text.join(lines, "\n")))
        title = ctx._("{name}'s shelf").format(name=shown)
        return Reply.of(title=title, fields=fields)

    async def _member(self, ctx: Context, name: str) -> tuple[int, str] | None:
        """A member by display name: in this community first, then on this platform."""
        if ctx.community is not None:
            row = await ctx.store.fetchone(
                "SELECT m.id, m.display_name FROM community_members AS c"
                " JOIN members AS m ON m.id = c.member_id"
                f" WHERE c.community_id IN ({', '.join('?' * len(ctx.circle))})"
                " AND m.display_name = ? COLLATE NOCASE LIMIT 1",
                (*ctx.circle, name),
            )
            if row:
                return row[0], row[1]
        row = await ctx.store.fetchone(
            "SELECT id, display_name FROM members WHERE platform = ?"
            " AND display_name = ? COLLATE NOCASE ORDER BY last_seen_at DESC LIMIT 1",
            (ctx.platform, name),
        )
        return (row[0], row[1]) if row else None

    # /rate ----------------------------------------------------------------------------------

    @command(
        "rate",
        N_("Rate a book, 1 to 5 stars."),
        text("book", N_("The book: a title from the catalog, or #number"), max_length=300),
        integer("stars", N_("How many stars"), min_value=1, max_value=5),
        text("review", N_("Your review, if you like"), required=False, rest=True, max_length=2000),
        aliases=("nilai",),
    )
    async def rate(self, ctx: Context, book: str, stars: int, review: str | None = None) -> Reply:
        # A title may hold a number ("Negeri 5 Menara 4 Seru"): the words are split again where
        # the catalog has the title before the stars.
        typed = " ".join(part for part in (book, str(stars), review) if part)
        title, given, review = await self._rating_parts(ctx, typed)
        if len(review) > REVIEW_LIMIT:
            raise UserError(
                ctx._("Your review is too long (at most {limit} characters).").format(
                    limit=REVIEW_LIMIT
                )
            )
        found = await find_book(self.catalog, title)
        if found.book is None:
            tail = f" {given} {review}".rstrip()
            return ask_which(ctx, title, found, lambda t: f"/rate {t}{tail}")
        await self.shelves.rate(ctx.member.id, found.book.id, given, review, ctx.clock.now())
        said = ctx._("You gave {title} {stars}.").format(
            title=found.book.record.title, stars=star_marks(given)
        )
        if review:
            said += " " + ctx._("Your review appears with the book in /book.")
        return Reply.of(
            said,
            choices=[
                Choice(ctx._("More like this"), f"/recommend like #{found.book.id}"),
                Choice(ctx._("My shelf"), "/shelf"),
            ],
        )

    async def _rating_parts(self, ctx: Context, value: str) -> tuple[str, int, str]:
        tokens = tokenize(value)
        places = [i for i, t in enumerate(tokens) if i > 0 and t.text in {"1", "2", "3", "4", "5"}]
        if not places:
            raise UsageError(ctx._("Give the stars, 1 to 5, after the book: /rate Bumi Manusia 5"))
        chosen = places[0]
        for place in places:
            if await exact_title(self.catalog, value[: tokens[place].start]):
                chosen = place
                break
        title = value[: tokens[chosen].start].strip()
        return title, int(tokens[chosen].text), value[tokens[chosen].end :].strip()

    # /suggest -------------------------------------------------------------------------------

    @command(
        "suggest post",
        N_("Recommend a book to the community."),
        text(
            "book",
            N_('The book, then a note if you like: "Bumi Manusia" Wajib dibaca!'),
            rest=True,
            max_length=NOTE_LIMIT + 300,
        ),
        aliases=("suggest", "usul", "usul kirim"),
    )
    async def suggest(self, ctx: Context, book: str) -> Reply:
        return await self._suggest(ctx, book)

    async def _suggest(self, ctx: Context, value: str) -> Reply:
        community = ctx.require_community()
        title, note = await split_title(self.catalog, value)
        if len(note) > NOTE_LIMIT:
            raise UserError(
                ctx._("The note is too long (at most {limit} characters).").format(limit=NOTE_LIMIT)
            )
        found = await find_book(self.catalog, title)
        if found.book is None:
            if found.unmet:  # recommended by a member, and the library lacks it
                await wanted_missing(ctx, title)
            tail = f" {note}".rstrip()
            return ask_which(ctx, title, found, lambda t: f"/suggest {t}{tail}")
        number = await self.shelves.suggest(
            community.id, ctx.member.id, found.book.id, note, ctx.clock.now(), once=ctx.once
        )
        return await self._post(ctx, found.book, number, note, votes=0)

    async def _post(self, ctx: Context, book: Book, number: int, note: str, votes: int) -> Reply:
        shown = await book_card(ctx, book)
        header = Text.format(ctx._("**{name}** recommends this book"), name=ctx.member.display_name)
        if note:
            header += Text.format(": “{note}”", note=note)
        body = header + "\n\n" + shown.text if shown.text else header
        return Reply(
            text=body,
            title=shown.title,
            fields=shown.fields,
            footer=ctx._("Suggestion #{number}").format(number=number),
            choices=(
                Choice(
                    ctx._("Upvote ({votes})").format(votes=votes),
                    f"/suggest vote {number}",
                    ChoiceStyle.PRIMARY,
                    keep=True,
                ),
                Choice(ctx._("This month's favourites"), "/suggest top", keep=True),
            ),
        )

    @command(
        "suggest vote",
        N_("Upvote a suggestion."),
        integer("id", N_("The suggestion's number"), min_value=1),
        private=True,
        aliases=("usul dukung",),
    )
    async def suggest_vote(self, ctx: Context, id: int) -> Reply:  # noqa: A002 - the option's name
        ctx.require_community()
        found = await self.shelves.suggestion(id, ctx.circle)
        if found is None:
            raise UserError(ctx._("There is no suggestion #{number} here.").format(number=id))
        if found.member_id == ctx.member.id:
            raise UserError(ctx._("You cannot upvote your own suggestion."))
        if not await self.shelves.vote(id, ctx.member.id, ctx.clock.now()):
            return Reply.of(ctx._("You have already upvoted {title}.").format(title=found.title))
        votes = found.votes + 1
        return Reply.of(
            ctx.ngettext(
                "Upvoted. {title} now has {votes} vote.",
                "Upvoted. {title} now has {votes} votes.",
                votes,
            ).format(title=found.title, votes=votes)
        )

    @command("suggest top", N_("This month's favourite suggestions."), aliases=("usul favorit",))
    async def suggest_top(self, ctx: Context) -> Reply:
        ctx.require_community()
        local = ctx.clock.now().astimezone(ctx.timezone)
        start = datetime.combine(local.date().replace(day=1), time(), ctx.timezone)
        following = (start + timedelta(days=32)).replace(day=1)
        top = await self.shelves.top(ctx.circle, start.astimezone(UTC), following.astimezone(UTC))
        if not top:
            return Reply.of(
                ctx._("No suggestions yet this month. Recommend a book: /suggest Bumi Manusia")
            )
        return Reply.of(
            Text.join((_favourite(ctx, n, s) for n, s in enumerate(top, 1)), "\n"),
            title=ctx._("This month's favourites"),
            choices=[Choice(titled(s.title, s.author), f"/book #{s.book_id}") for s in top],
        )


def _favourite(ctx: Context, number: int, suggestion: Suggestion) -> Text:
    votes = ctx.ngettext("{votes} vote", "{votes} votes", suggestion.votes).format(
        votes=suggestion.votes
    )
    line = Text.format(
        "{number}. **{title}** — {by}, {votes}",
        number=number,
        title=suggestion.title,
        by=ctx._("suggested by {name}").format(name=suggestion.name),
        votes=votes,
    )
    if suggestion.note:
        line += Text.format("\n   “{note}”", note=suggestion.note)
    return line
