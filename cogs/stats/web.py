"""The statistics page of the web dashboard: /stats's table and chart for a number of days, and
both to download (CSV, PNG), from the same figures and the same drawing as the command."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.api.commands import N_
from bot.api.dates import long_date
from bot.api.web import Download, Page, Render, View, WebRequest
from cogs.stats import chart
from cogs.stats.cli import csv_text
from cogs.stats.commands import DEFAULT_DAYS, MOST_DAYS, Stats, file_name
from cogs.stats.recent import Recent
from cogs.stats.render import chart_words, table

CHOICES = (7, 30, 90, 365)


async def view(request: WebRequest) -> View:
    ctx = request.ctx
    stats = ctx.services.registry.feature(Stats)
    recent: Recent = stats.recent
    ctx.require_community()
    now = ctx.clock.now()
    today = now.astimezone(ctx.timezone).date()
    span = _range(request.query.get("from", ""), request.query.get("to", ""), today)
    if span is not None:
        first, last = span
        days = (last - first).days + 1
        until = datetime.combine(last + timedelta(days=1), time(), ctx.timezone)
        until -= timedelta(microseconds=1)
        title = ctx._("Statistics: {first} to {last}").format(
            first=long_date(ctx.locale, first), last=long_date(ctx.locale, last)
        )
    else:
        asked = request.query.get("days", "")
        days = int(asked) if asked.isdigit() and 1 <= int(asked) <= MOST_DAYS else DEFAULT_DAYS
        until, first, last = None, today - timedelta(days=days), today
        title = ctx.ngettext(
            "Statistics: the last {days} day", "Statistics: the last {days} days", days
        ).format(days=days)
    key = (tuple(ctx.circle), days, until)
    figures = recent.fresh(recent.figures.get(key), now)
    if figures is None:
        figures = await stats.figures(ctx.circle, days, ctx, until)
        recent.keep(recent.figures, key, figures, now)
    wanted = request.query.get("format")
    if wanted == "png":
        drawn = (key, ctx.locale)
        picture = recent.fresh(recent.charts.get(drawn), now)
        if picture is None:
            picture = await stats.drawing.draw(
                chart.plan(figures, chart_words(ctx, figures, title), ctx._)
            )
            recent.keep(recent.charts, drawn, picture, now)
        return Download(file_name(figures), picture, "image/png")
    if wanted == "csv":
        name = file_name(figures).removesuffix(".png") + ".csv"
        return Download(name, csv_text(figures, ctx).encode("utf-8"), "text/csv")
    asked = "&".join(
        f"{name}={request.query[name]}"
        for name in ("days", "from", "to")
        if request.query.get(name, "").replace("-", "").isdigit()
    )
    return Render(
        "stats/page.html",
        {
            "title": title,
            "days": days,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "today": today.isoformat(),
            "asked": asked or f"days={days}",
            "choices": CHOICES,
            "most": MOST_DAYS,
            "table": [str(line) for line in table(ctx, figures).lines()],
        },
    )


PAGE = Page("stats", N_("Statistics"), view, order=60)


def _range(first: str, last: str, today: date) -> tuple[date, date] | None:
    """A from-to range of days the page can show (over by today, at most a year), or None."""
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    if start > end or end > today or (end - start).days + 1 > MOST_DAYS:
        return None
    return start, end
