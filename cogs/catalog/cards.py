"""How a book is shown: a one-line summary in lists, a card with its copies when opened."""

from __future__ import annotations

from datetime import date, datetime

from bot.api import dates
from bot.api.context import Context
from bot.api.replies import Reply
from bot.api.text import Text
from bot.catalog.importers.base import unique
from bot.catalog.records import CopyStatus
from bot.catalog.store import Book

SUBJECTS_SHOWN = 6
COPIES_SHOWN = 6


def byline(book: Book) -> str:
    """ "Leila S. Chudori (2012)"; "(1908)" for a book without an author; "" for neither."""
    record = book.record
    authors = ", ".join(record.authors[:3])
    return f"{authors} ({record.year})".strip() if record.year else authors


def after_title(byline: str) -> str:
    """What follows a title: " — Leila S. Chudori (2012)", " (1908)" when the byline has no
    author (a chronicle, a dictionary), nothing when it is empty."""
    if not byline:
        return ""
    return f" {byline}" if byline.startswith("(") else f" — {byline}"


def headline(title: str, byline: str) -> str:
    """ "Pulang — Leila S. Chudori (2012)", "Ipatʹevskaia letopisʹ (1908)": a title with its
    byline (as `byline` writes it, or a club's stored one)."""
    return title + after_title(byline)


def titled(title: str, author: str) -> str:
    """A button naming a book by its title and author, at most 55 characters (Discord's limit for
    a poll's answer): different books share a title (three called Pulang), so the title alone
    could open the wrong one."""
    title = title if len(title) <= 28 else title[:27] + "…"
    room = 52 - len(title)
    author = author if len(author) <= room else author[: room - 1] + "…"
    return headline(title, author)


def label(book: Book) -> str:
    """The button that opens `book`: "Pulang — Leila S. Chudori"."""
    return titled(book.record.title, book.record.authors[0] if book.record.authors else "")


def availability(ctx: Context, book: Book) -> str:
    """ "2 of 3 copies on the shelf — call number …" or when the first copy comes back."""
    copies = book.copies
    if not copies:
        return ctx._("No copies in the library yet.")
    if book.available:
        shelf = next(c for c in copies if c.status is CopyStatus.AVAILABLE)
        text = ctx.ngettext(
            "{available} of {total} copy on the shelf",
            "{available} of {total} copies on the shelf",
            len(copies),
        ).format(available=book.available, total=len(copies))
        if shelf.call_number:
            text += " — " + ctx._("call number {call_number}").format(call_number=shelf.call_number)
        if shelf.location:
            text += f" ({shelf.location})"
        return text
    if book.next_due:
        return ctx._("On loan until {date}.").format(date=long_date(ctx, book.next_due))
    if any(c.status is CopyStatus.NOT_FOR_LOAN for c in copies):
        return ctx._("Read it in the library: it is not lent out.")
    return ctx._("No copy can be lent right now.")


def summary(ctx: Context, number: int, book: Book) -> Text:
    return Text.format(
        "{number}. **{title}**{byline}\n   {availability}",
        number=number,
        title=book.record.title,
        byline=after_title(byline(book)),
        availability=availability(ctx, book),
    )


def copy_lines(ctx: Context, book: Book) -> str:
    """Each copy: call number, location and whether it is on the shelf or until when lent."""
    lines = []
    for copy in book.copies[:COPIES_SHOWN]:
        if copy.status is CopyStatus.AVAILABLE:
            status = ctx._("on the shelf")
        elif copy.status is CopyStatus.ON_LOAN and copy.due:
            status = ctx._("on loan until {date}").format(date=long_date(ctx, copy.due))
        elif copy.status is CopyStatus.ON_LOAN:
            status = ctx._("on loan")
        elif copy.status is CopyStatus.NOT_FOR_LOAN:
            status = ctx._("read in the library only")
        else:
            status = ctx._("missing")
        where = " · ".join(part for part in (copy.call_number, copy.location) if part)
        lines.append(f"• {where}: {status}" if where else f"• {status}")
    if len(book.copies) > COPIES_SHOWN:
        more = len(book.copies) - COPIES_SHOWN
        lines.append(
            ctx.ngettext("and {count} more copy", "and {count} more copies", more).format(
                count=more
            )
        )
    return "\n".join(lines)


def status_age(ctx: Context, read_at: datetime) -> str:
    """ "Status from the library 10 minutes ago" """
    minutes = max(0, int((ctx.clock.now() - read_at).total_seconds() // 60))
    if minutes < 1:
        return ctx._("Status from the library just now")
    if minutes < 120:
        return ctx.ngettext(
            "Status from the library {count} minute ago",
            "Status from the library {count} minutes ago",
            minutes,
        ).format(count=minutes)
    hours = minutes // 60
    if hours < 48:
        return ctx.ngettext(
            "Status from the library {count} hour ago",
            "Status from the library {count} hours ago",
            hours,
        ).format(count=hours)
    days = hours // 24
    return ctx.ngettext(
        "Status from the library {count} day ago",
        "Status from the library {count} days ago",
        days,
    ).format(count=days)


def card(
    ctx: Context, book: Book, cover_url: str | None = None, status_at: datetime | None = None
) -> Reply:
    """`status_at`: when the copies were read from the library system, for a book kept live."""
    record = book.record
    shown = availability(ctx, book)
    if status_at is not None:
        shown += "\n" + status_age(ctx, status_at)
    fields = [(ctx._("Availability"), shown)]
    if len(book.copies) > 1 or (status_at is not None and book.copies):
        fields.append((ctx._("Copies"), copy_lines(ctx, book)))
    if record.subjects:
        subjects = unique(record.subjects)  # "humor" is both the Indonesian and English term
        fields.append((ctx._("Subjects"), ", ".join(subjects[:SUBJECTS_SHOWN])))
    if record.publisher:
        fields.append((ctx._("Publisher"), record.publisher))
    if record.isbns:
        fields.append(("ISBN", ", ".join(record.isbns[:3])))
    return Reply.of(
        record.description or "",
        title=headline(record.title, byline(book)),
        fields=fields,
        image_url=cover_url,
    )


def long_date(ctx: Context, day: date) -> str:
    return dates.long_date(ctx.locale, day)
