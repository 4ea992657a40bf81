"""What each series posts, built in one language (a bilingual community gets one per language).

Every function takes the job's context narrowed to a home's community and one language and
returns the reply, built only from what it is given: the books an occurrence shows are chosen
(and for the weekly recommendation stored) once, then rendered for each home and language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_skeleton

from bot.api.jobs import JobContext
from bot.api.replies import Choice, Reply
from bot.api.text import Text
from bot.catalog.store import Book
from cogs.catalog.public import after_title, byline, label
from cogs.series.reading_days import ReadingDay

SHOWN_ARRIVALS = 10


def _where(room: JobContext, book: Book) -> str:
    return room._("on the shelf") if book.available else room._("on loan now")


def _line(room: JobContext, number: int, book: Book) -> Text:
    return Text.format(
        "{number}. **{title}**{byline} ({where})",
        number=number,
        title=book.record.title,
        byline=after_title(byline(book)),
        where=_where(room, book),
    )


def _open(books: Sequence[Book]) -> list[Choice]:
    # the post stays for everyone; the book is answered below it
    return [Choice(label(book), f"/book #{book.id}", keep=True) for book in books]


def weekly(room: JobContext, theme: str, books: Sequence[Book]) -> Reply:
    lines = [_line(room, n, book) for n, book in enumerate(books, 1)]
    intro = room._("This week's reading theme: {theme}. Ask for one at the desk or open it here.")
    return Reply.of(
        Text.join([intro.format(theme=theme), *lines], "\n"),
        title=room._("This week's recommendation: {theme}").format(theme=theme),
        choices=_open(books),
    )


def daily(room: JobContext, book: Book, cover: str | None) -> Reply:
    description = book.record.description or ""
    if len(description) > 300:
        description = description[:299].rstrip() + "…"
    where = _where(room, book)
    line = (
        Text.format("**{byline}** ({where})", byline=byline(book), where=where)
        if byline(book)
        else Text.format("({where})", where=where)
    )
    return Reply.of(
        Text.join([line, description], "\n") if description else line,
        title=room._("Book of the day: {title}").format(title=book.record.title),
        image_url=cover,
        choices=_open([book]),
    )


def arrivals(room: JobContext, books: Sequence[Book], total: int, cover: str | None) -> Reply:
    lines = [_line(room, n, book) for n, book in enumerate(books[:SHOWN_ARRIVALS], 1)]
    more = total - min(len(books), SHOWN_ARRIVALS)
    if more > 0:
        lines.append(
            Text.of(
                room.ngettext("… and {count} more: /new", "… and {count} more: /new", more).format(
                    count=more
                )
            )
        )
    return Reply.of(
        Text.join(lines, "\n"),
        title=room.ngettext(
            "New in the library: {count} book", "New in the library: {count} books", total
        ).format(count=total),
        image_url=cover,
        choices=_open(books[:5]),
    )


def reading_day(room: JobContext, day: ReadingDay) -> Reply:
    locale = room.locale if room.locale in day.titles else "en"
    return Reply.of(day.texts[locale], title=day.titles[locale])


def month_name(locale: str, day: date) -> str:
    """``November 2026``."""
    return format_skeleton("yMMMM", day, locale=locale)
