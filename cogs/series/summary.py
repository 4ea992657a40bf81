"""The monthly "this month in the library" post: the most asked-for titles, the quiz champions
and how far each reading club is, read through the other features' public modules.

Posted in the first week of a month it tells the month before (the default is the 1st); later
in a month, that month so far.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.api.community import circle
from bot.api.jobs import JobContext
from bot.api.replies import Reply
from bot.api.text import Text
from bot.storage.store import Store
from cogs.clubs.public import ClubProgress, club_progress
from cogs.quiz.public import Champion, champions
from cogs.recommend.public import Demand, most_wanted
from cogs.series.posts import month_name

SHOWN = 3


def reported_month(day: date) -> tuple[date, date]:
    """The first day of the month the post tells, and the first day after it (or `day`)."""
    if day.day <= 7:
        first = date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)
        return first, day.replace(day=1)
    return day.replace(day=1), day


async def month_summary(
    store: Store, community_id: int, day: date, tz: ZoneInfo
) -> Callable[[JobContext], Reply]:
    """What the post tells, read once; the post in a room's language."""
    first, end = reported_month(day)
    since = datetime.combine(first, time.min, tzinfo=tz)
    until = datetime.combine(end, time.min, tzinfo=tz)
    wanted = [d for d in await most_wanted(store, since, limit=None) if d.last < until.isoformat()]
    linked = await circle(store, community_id)
    best = await champions(store, linked, since, until, limit=SHOWN)
    clubs = await club_progress(store, linked)
    return lambda room: _reply(room, first, wanted[:SHOWN], best, clubs)


def _reply(
    room: JobContext,
    first: date,
    wanted: Sequence[Demand],
    best: Sequence[Champion],
    clubs: Sequence[ClubProgress],
) -> Reply:
    _ = room._
    fields: list[tuple[str, Text | str]] = []
    if wanted:
        lines = [
            room.ngettext(
                "{number}. {title} — asked by {count} member",
                "{number}. {title} — asked by {count} members",
                want.members,
            ).format(number=n, title=want.wanted, count=want.members)
            for n, want in enumerate(wanted, 1)
        ]
        fields.append((_("Most asked for"), "\n".join(lines)))
    if best:
        lines = [
            room.ngettext(
                "{number}. {name} — {points} point", "{number}. {name} — {points} points", c.points
            ).format(number=n, name=c.name, points=c.points)
            for n, c in enumerate(best, 1)
        ]
        fields.append((_("Quiz champions"), "\n".join(lines)))
    if clubs:
        lines = [
            _("{club}: {title} — {progress} on average, {finished} of {members} finished").format(
                club=club.name,
                title=club.title,
                progress=f"{round(club.average * 100)}%",
                finished=club.finished,
                members=club.members,
            )
            for club in clubs
        ]
        fields.append((_("Reading clubs"), "\n".join(lines)))
    text = (
        _("Thank you for reading with us!")
        if fields
        else _("A quiet month: no quizzes, club progress or requests to tell.")
    )
    return Reply.of(
        text,
        title=_("{month} in the library").format(month=month_name(room.locale, first)),
        fields=fields,
    )
