"""From what a member typed to one book of the catalog: `#12`, an exact title, or the only match.

Several matches come back as options (the caller offers them as buttons); no match comes back
with suggestions: first the titles found once misspelt words are corrected (then `forgiven` is
set: the library has what was meant, so it is not unmet demand), then titles sharing a word with
what was typed, the closest spelling first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.api.arguments import tokenize
from bot.api.context import Context
from bot.api.replies import Choice, Reply
from bot.api.text import Text
from bot.catalog.search import Field, correct, plain, search
from bot.catalog.store import Book, Catalog
from cogs.catalog.cards import label, summary

OPTIONS = 5  # books offered when a title matches several
SUGGESTIONS = 3
SUGGESTION_POOL = 300  # titles sharing a word with the query, compared for spelling
SIMILAR_ENOUGH = 55  # rapidfuzz ratio, 0–100


@dataclass(frozen=True, slots=True)
class Found:
    book: Book | None
    options: list[Book] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    forgiven: bool = False
    """The suggestions start with what the words mean once their typos are corrected."""

    @property
    def unmet(self) -> bool:
        """Nothing matches, even forgiving typos: a book the library lacks."""
        return self.book is None and not self.options and not self.forgiven


async def find_book(catalog: Catalog, text: str) -> Found:
    text = text.strip()
    if text.startswith("#") and text[1:].isdigit():
        return Found(await catalog.book(int(text[1:])))
    results = (await search(catalog, text, field=Field.TITLE, limit=OPTIONS * 2)).books
    exact = [b for b in results if plain(b.record.title) == plain(text)]
    if len(exact) == 1:
        return Found(exact[0])
    if exact:
        return Found(None, exact[:OPTIONS])
    if len(results) == 1:
        return Found(results[0])
    if results:
        return Found(None, results[:OPTIONS])
    corrected = await correct(catalog, text)
    if corrected is not None:
        meant = await search(catalog, corrected, field=Field.TITLE, limit=SUGGESTIONS)
        if meant.books:
            titles = [b.record.title for b in meant.books]
            others = [t for t in await suggest_titles(catalog, text) if t not in titles]
            return Found(None, suggestions=(titles + others)[:SUGGESTIONS], forgiven=True)
    return Found(None, suggestions=await suggest_titles(catalog, text))


async def exact_title(catalog: Catalog, text: str) -> Book | None:
    """The one book whose title is exactly `text` (case and accents aside), if there is one."""
    results = (await search(catalog, text, field=Field.TITLE, limit=OPTIONS)).books
    exact = [b for b in results if plain(b.record.title) == plain(text)]
    return exact[0] if len(exact) == 1 else None


async def split_title(catalog: Catalog, text: str) -> tuple[str, str]:
    """Split "<title> <more words>" where the title's end is not marked: a quoted first part, or
    the longest run of leading words that is exactly a title. Otherwise all of it is the title."""
    tokens = tokenize(text)
    if not tokens:
        return "", ""
    if text.lstrip()[:1] in '"“„«' and tokens[0].end > tokens[0].start + len(tokens[0].text):
        return tokens[0].text, text[tokens[0].end :].strip()
    for cut in range(len(tokens), 0, -1):
        head = text[: tokens[cut - 1].end]
        if await exact_title(catalog, head):
            return head.strip(), text[tokens[cut - 1].end :].strip()
    return text.strip(), ""


async def suggest_titles(catalog: Catalog, text: str) -> list[str]:
    words = [w for w in plain(text).split() if len(w) >= 3]
    if not words:
        return []
    query = "title : (" + " OR ".join(f'"{w}"' for w in words) + ")"
    rows = await catalog.store.fetchall(
        "SELECT rowid FROM books_fts WHERE books_fts MATCH ? ORDER BY rowid LIMIT ?",
        (query, SUGGESTION_POOL),
    )
    if not rows:
        return []
    ids = sorted({row[0] for row in rows})
    marks = ",".join("?" * len(ids))
    titles = [
        row[0]
        for row in await catalog.store.fetchall(
            f"SELECT title FROM books WHERE id IN ({marks}) ORDER BY id", ids
        )
    ]
    wanted = plain(text)
    scored = sorted(((fuzz.ratio(wanted, plain(t)), t) for t in titles), key=lambda s: -s[0])
    titles = list(dict.fromkeys(title for score, title in scored if score >= SIMILAR_ENOUGH))
    return titles[:SUGGESTIONS]


def ask_which(ctx: Context, title: str, found: Found, again: Callable[[str], str]) -> Reply:
    """Several books match (a button for each), or none does (perhaps one of these titles).
    `again` gives the command that retries with a book: "#12" or a suggested title."""
    if found.options:
        lines = [summary(ctx, n, b) for n, b in enumerate(found.options, 1)]
        return Reply.of(
            Text.join(lines, "\n"),
            title=ctx._("Several books match “{title}”. Which one?").format(title=title),
            choices=[Choice(label(b), again(f"#{b.id}")) for b in found.options],
        )
    text = ctx._("The library has no book called “{title}”.").format(title=title)
    if found.suggestions:
        text += " " + ctx._("Did you mean one of these?")
    return Reply.of(text, choices=[Choice(short(t), again(t)) for t in found.suggestions])


def short(title: str) -> str:
    """A title short enough for a button."""
    return title if len(title) <= 40 else title[:39] + "…"
