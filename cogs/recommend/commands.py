"""/recommend: by theme or subject, like a book, for me, the book of the day; /wanted.

`/recommend sejarah` and `/recommend like Bumi Manusia` share a first word: the dispatcher tries
two-word commands first, so `like`, `me`, `today` and `theme` are subcommands and anything else
is a theme. Discord cannot offer a command and a group of the same name, so the plain form is
declared as `/recommend theme` with `/recommend` as its alias.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from rapidfuzz import fuzz, process

from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Option, Permission, command, integer, text
from bot.api.context import Context
from bot.api.replies import Choice, Reply
from bot.api.services import Services
from bot.api.text import Text
from bot.catalog.store import Book, Catalog
from cogs.catalog.public import BookWanted, ask_which, book_card, find_book, label, summary
from cogs.recommend import similar
from cogs.recommend.daily import book_of_the_day
from cogs.recommend.demand import most_wanted, record_if_on_loan, record_missing, record_wanted
from cogs.recommend.insight import demand_insight
from cogs.recommend.picks import on_subjects
from cogs.recommend.queries import candidates, member_books, member_seeds
from cogs.recommend.themes import Theme, Themes, load_themes, plain
from cogs.stats.public import InsightWanted

PICKS = 5
SEEDS = 5  # the books a member liked most (and lately) that personal picks start from
THEME_SUGGESTIONS = 4


class RecommendFeature(Feature):
    name = "recommend"
    description = N_("Recommendations")
    # What members read for each parameter (its name stays English: a Discord option).
    labels = {
        "days": N_("parameter:days"),
        "theme": N_("parameter:theme"),
        "title": N_("parameter:title"),
    }

    def __init__(
        self, services: Services, rng: random.Random | None = None, themes: Themes | None = None
    ) -> None:
        super().__init__(services)
        self.catalog = Catalog(services.store, services.clock)
        self.random = rng or random.Random()
        self.themes = themes or load_themes()
        services.events.subscribe(BookWanted, record_wanted)
        services.events.subscribe(InsightWanted, demand_insight)

    # by theme or subject ----------------------------------------------------------------------

    @command(
        "recommend theme",
        N_("Books on a theme (history, fantasy…) or any subject."),
        text(
            "theme",
            N_("A theme or subject; leave out to see the themes"),
            required=False,
            rest=True,
            max_length=100,
            autocomplete="theme_names",
        ),
        aliases=("recommend", "rekomendasi", "rekomendasi tema"),
    )
    async def recommend(self, ctx: Context, theme: str | None) -> Reply:
        return await self._on_theme(ctx, theme)

    async def theme_names(self, ctx: Context, current: str) -> list[Option]:
        typed = current.casefold()
        return [
            Option(t.key, t.name(ctx.locale))
            for t in self.themes.all
            if typed in t.key or typed in t.name(ctx.locale).casefold()
        ]

    async def _on_theme(self, ctx: Context, asked: str | None) -> Reply:
        if not asked:
            return Reply.of(
                ctx._("Which theme? Pick one, or type /recommend and any subject."),
                title=ctx._("Recommendations"),
                choices=self._theme_choices(ctx, self.themes.all),
            )
        theme = self.themes.find(asked)
        subjects = theme.subjects if theme else (asked,)
        label = theme.name(ctx.locale) if theme else asked
        read = {
            b
            for b, status in (await member_books(ctx.store, ctx.member.id)).items()
            if status != "want"
        }
        picked = await on_subjects(
            ctx.store,
            subjects,
            self.random,
            count=PICKS,
            language=ctx.locale,
            exclude=read,
            exclude_identities=await _identities(ctx, read),
        )
        if not picked:
            return await self._unknown_theme(ctx, asked, theme)
        books = await self.catalog.books([c.id for c in picked])
        lines = [summary(ctx, n, b) for n, b in enumerate(books, 1)]
        again = f"/recommend {theme.key if theme else asked}"
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("Recommended: {theme}").format(theme=label),
            choices=[*_open(books), Choice(ctx._("Other picks"), again)],
        )

    async def _unknown_theme(self, ctx: Context, asked: str, theme: Theme | None) -> Reply:
        """Nothing on the theme or subject: unmet demand, unless it looks like a theme misspelt."""
        if theme is not None:
            await record_missing(ctx, theme.name(ctx.locale))
            return Reply.of(
                ctx._("The library has no books on {theme} yet.").format(
                    theme=theme.name(ctx.locale)
                )
            )
        close = process.extract(
            plain(asked), self.themes.names(), scorer=fuzz.ratio, limit=8, score_cutoff=75
        )
        near: dict[str, Theme] = {}
        for name, *_ in close:
            found = self.themes.find(name)
            if found is not None and len(near) < THEME_SUGGESTIONS:
                near.setdefault(found.key, found)
        if not near:
            await record_missing(ctx, asked)
        text = ctx._("I know no theme or subject called “{theme}”.").format(theme=asked)
        text += " " + (
            ctx._("Did you mean one of these?") if near else ctx._("These are the themes:")
        )
        shown = list(near.values()) or list(self.themes.all)
        return Reply.of(text, choices=self._theme_choices(ctx, shown))

    def _theme_choices(self, ctx: Context, themes: tuple[Theme, ...] | list[Theme]) -> list[Choice]:
        return [Choice(t.name(ctx.locale), f"/recommend {t.key}") for t in themes]

    # like a book ------------------------------------------------------------------------------

    @command(
        "recommend like",
        N_("Books like one you enjoyed, with reasons."),
        text("title", N_("The book's title"), rest=True, max_length=200),
        aliases=("rekomendasi mirip",),
    )
    async def recommend_like(self, ctx: Context, title: str) -> Reply:
        found = await find_book(self.catalog, title)
        if found.book is None:
            if found.unmet:
                await record_missing(ctx, title)
            return ask_which(ctx, title, found, lambda t: f"/recommend like {t}")
        await record_if_on_loan(ctx, found.book)
        [seed] = await candidates(ctx.store, [found.book.id])
        own = await member_books(ctx.store, ctx.member.id)
        read = {b for b, status in own.items() if status != "want"}
        picks = await similar.like(
            ctx.store,
            seed,
            count=PICKS,
            exclude=read,
            exclude_identities=await _identities(ctx, read),
        )
        if not picks:
            return Reply.of(
                ctx._("I found nothing close enough to {title} yet.").format(title=seed.title)
            )
        return await self._with_reasons(
            ctx,
            picks,
            ctx._("Like {title}").format(title=seed.title),
            personal=False,
        )

    # for me -----------------------------------------------------------------------------------

    @command(
        "recommend me", N_("Picks from your shelf and ratings."), aliases=("rekomendasi saya",)
    )
    async def recommend_me(self, ctx: Context) -> Reply:
        liked, known = await member_seeds(ctx.store, ctx.member.id)
        best = sorted(liked.items(), key=lambda kv: -kv[1])[:SEEDS]
        seeds = [
            similar.Seed(book, liked[book.id])
            for book in await candidates(ctx.store, [book_id for book_id, _ in best])
        ]
        if not seeds:
            return Reply.of(
                ctx._(
                    "Tell me what you read first: /rate Bumi Manusia 5, or /shelf add "
                    "Laskar Pelangi read. Or pick a theme:"
                ),
                choices=self._theme_choices(ctx, self.themes.all),
            )
        picks = await similar.personal(
            ctx.store,
            seeds,
            count=PICKS,
            exclude=known,
            exclude_identities=await _identities(ctx, known),
        )
        if not picks:
            return Reply.of(ctx._("I have no new picks for you yet: rate a few more books."))
        return await self._with_reasons(ctx, picks, ctx._("Picked for you"), personal=True)

    async def _with_reasons(
        self, ctx: Context, picks: list[similar.Pick], title: str, *, personal: bool
    ) -> Reply:
        books = {b.id: b for b in await self.catalog.books([p.book.id for p in picks])}
        lines = []
        shown: list[Book] = []
        for pick in picks:
            book = books.get(pick.book.id)
            if book is None:
                continue
            shown.append(book)
            reasons = "; ".join(_reasons(ctx, pick, personal))
            lines.append(
                Text.format(
                    "{line}\n   {why}",
                    line=summary(ctx, len(shown), book),
                    why=ctx._("Why: {reasons}").format(reasons=reasons),
                )
            )
        return Reply.of(Text.join(lines, "\n"), title=title, choices=_open(shown))

    # book of the day --------------------------------------------------------------------------

    @command("recommend today", N_("The book of the day."), aliases=("rekomendasi harian",))
    async def recommend_today(self, ctx: Context) -> Reply:
        day = ctx.clock.now().astimezone(ctx.timezone).date()
        where = f"community:{ctx.community.id}" if ctx.community else "private"
        book = await book_of_the_day(self.catalog, where, day)
        if book is None:
            raise UserError(ctx._("The catalog is empty."))
        shown = await book_card(ctx, book)
        return replace(
            shown,
            title=ctx._("Book of the day: {title}").format(title=shown.title),
            choices=(Choice(ctx._("More like this"), f"/recommend like #{book.id}"),),
        )

    # unmet demand -----------------------------------------------------------------------------

    @command(
        "wanted",
        N_("Titles members asked for but could not get."),
        integer(
            "days",
            N_("How many days back"),
            required=False,
            default=90,
            min_value=1,
            max_value=3650,
        ),
        permission=Permission.MODERATOR,
        aliases=("dicari",),
    )
    async def wanted(self, ctx: Context, days: int) -> Reply:
        demand = await most_wanted(ctx.store, ctx.clock.now() - timedelta(days=days), limit=15)
        if not demand:
            return Reply.of(
                ctx.ngettext(
                    "Nothing asked for went unmet in the last {days} day.",
                    "Nothing asked for went unmet in the last {days} days.",
                    days,
                ).format(days=days)
            )
        lines = []
        for number, item in enumerate(demand, 1):
            asked = ctx.ngettext(
                "asked by {members} member", "asked by {members} members", item.members
            ).format(members=item.members)
            times = ctx.ngettext("{asks} time", "{asks} times", item.asks).format(asks=item.asks)
            where = (
                ctx._("not in the library")
                if item.kind == "missing"
                else ctx._("every copy on loan")
            )
            lines.append(
                Text.format(
                    "{number}. **{wanted}** — {where}; {asked} ({times})",
                    number=number,
                    wanted=item.wanted,
                    where=where,
                    asked=asked,
                    times=times,
                )
            )
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("Most wanted"),
            footer=ctx._("For acquisitions: pustaka report wanted --csv FILE"),
        )


def _reasons(ctx: Context, pick: similar.Pick, personal: bool) -> list[str]:
    found = []
    if pick.same_author:
        message = ctx._("by {author}, whom you have read") if personal else ctx._("same author")
        found.append(message.format(author=pick.same_author))
    if pick.liked_with and pick.co_rated:
        found.append(ctx._("readers of {title} also liked it").format(title=pick.liked_with))
    elif pick.liked_with and personal:
        found.append(ctx._("because you liked {title}").format(title=pick.liked_with))
    if pick.shared:
        found.append(ctx._("shares subjects: {subjects}").format(subjects=", ".join(pick.shared)))
    if pick.period and not found:
        found.append(ctx._("from the same time ({year})").format(year=pick.period))
    return found or [ctx._("close to what you read")]


async def _identities(ctx: Context, book_ids: set[int]) -> set[tuple[str, str]]:
    """Titles and first authors of the member's books, so another record (edition) of a book
    they read is left out too; bounded by what one member records."""
    return {book.identity for book in await candidates(ctx.store, book_ids)}


def _open(books: list[Book]) -> list[Choice]:
    return [Choice(label(b), f"/book #{b.id}") for b in books]
