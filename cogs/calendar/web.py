"""The calendar's page on the web dashboard: a month of what the bot will post, and moving,
pausing, resuming or cancelling an item through the /calendar commands themselves."""

from __future__ import annotations

import calendar as months
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_date, get_day_names

from bot.api.commands import N_
from bot.api.dates import clock_text, moment_text
from bot.api.replies import Reply
from bot.api.web import Page, Redirect, Render, View, WebRequest
from cogs.calendar import listing
from cogs.calendar.circle import circle_of
from cogs.stats.public import busiest_hour

ACTIONS = ("move", "pause", "resume", "cancel")
SHOWN = 1000
"""At most so many items a month are shown (a calendar fuller than that is read by week)."""


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    number: int
    inside: bool
    """In the month shown (the grid's first and last weeks reach into the next ones)."""
    today: bool
    items: list[dict[str, object]]


async def view(request: WebRequest) -> View:
    if request.method == "POST":
        return await _change(request)
    return await _month(request)


PAGE = Page("calendar", N_("Calendar"), view, order=10)


async def _month(request: WebRequest) -> View:
    ctx = request.ctx
    services = ctx.services
    tz = ctx.timezone
    today = ctx.clock.now().astimezone(tz).date()
    first = _month_asked(request.query.get("month", ""), today)
    last = date(first.year, first.month, months.monthrange(first.year, first.month)[1])
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    # only the month's own items are described: a month far ahead costs what it holds
    found = await listing.page(services, ctx, circle_of(ctx), end, size=SHOWN, since=start)
    by_day: dict[date, list[dict[str, object]]] = {}
    for item in found.items:
        local = item.job.due_at.astimezone(tz)
        by_day.setdefault(local.date(), []).append(
            {
                "id": item.job.id,
                "at": clock_text(ctx.locale, local.time(), tz),
                "when": moment_text(ctx.locale, item.job.due_at, tz),
                "date": local.date().isoformat(),
                "time": local.strftime("%H:%M"),
                "line": item.line,
                "paused": item.job.paused,
            }
        )
    weeks = [
        [
            Day(day, day.day, day.month == first.month, day == today, by_day.get(day, []))
            for day in week
        ]
        for week in months.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    hour = await busiest_hour(services.store, circle_of(ctx), ctx.clock.now(), tz)
    opened = request.query.get("item", "")
    return Render(
        "calendar/month.html",
        {
            "title": format_date(first, "LLLL yyyy", locale=ctx.locale).capitalize(),
            "weekdays": _weekday_names(ctx.locale),
            "weeks": weeks,
            "items": [entry for day in sorted(by_day) for entry in by_day[day]],
            "previous": _month_key(first - timedelta(days=1)),
            "next": _month_key(last + timedelta(days=1)),
            "this_month": _month_key(first),
            "default_time": f"{hour:02d}:00" if hour is not None else "09:00",
            "busiest": hour is not None,
            "opened": int(opened) if opened.isdigit() else None,
            "confirm": request.query.get("confirm") == "1",
            "more": found.more,
        },
    )


async def _change(request: WebRequest) -> View:
    """One of the /calendar commands, as the moderator would type it; its answer is the notice."""
    form = request.form
    action = form.get("action", "")
    back = f"/p/calendar?month={form.get('month', '')}" if form.get("month") else "/p/calendar"
    if action not in ACTIONS or not form.get("id", "").isdigit():
        return Redirect(back, request._("That change is not possible here."))
    item = int(form["id"])
    if action == "move":
        when = f"{form.get('date', '').strip()} {form.get('time', '').strip()}".strip()
        replies = await request.run("calendar move", id=item, when=when)
    elif action == "cancel":
        replies = await request.run("calendar cancel", id=item, confirm="yes")
    else:
        replies = await request.run(f"calendar {action}", id=item)
    return Redirect(back, answer_text(replies))


def answer_text(replies: Sequence[Reply]) -> str:
    """A command's answer as the page's notice: its text, fields and footer, as plain lines."""
    parts: list[str] = []
    for reply in replies:
        parts += [str(reply.text)] if reply.text else []
        parts += [f"{field.name}: {field.value}" for field in reply.fields]
    return "\n".join(part for part in parts if part)


def _month_asked(asked: str, today: date) -> date:
    try:
        year, month = (int(part) for part in asked.split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _weekday_names(locale: str) -> list[str]:
    names = get_day_names("abbreviated", locale=locale)
    return [names[index] for index in range(7)]
