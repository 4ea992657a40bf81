"""The statistics page of the web dashboard: /stats's table and chart for a number of days, and
both to download (CSV, PNG), from the same figures and the same drawing as the command."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.web import Download, Page, Render, View, WebRequest
from cogs.stats import chart
from cogs.stats.cli import csv_text
from cogs.stats.commands import DEFAULT_DAYS, MOST_DAYS, Stats, file_name
from cogs.stats.recent import KEEP, Recent
from cogs.stats.render import chart_words, table

CHOICES = (7, 30, 90, 365)


async def view(request: WebRequest) -> View:
    ctx = request.ctx
    stats = next(f for f in ctx.services.registry.features if isinstance(f, Stats))
    recent: Recent = stats.recent
    asked = request.query.get("days", "")
    days = int(asked) if asked.isdigit() and 1 <= int(asked) <= MOST_DAYS else DEFAULT_DAYS
    ctx.require_community()
    now = ctx.clock.now()
    key = (tuple(ctx.circle), days)
    figures = recent.fresh(recent.figures.get(key), now)
    if figures is None:
        figures = await stats.figures(ctx.circle, days, ctx)
        recent.figures = {k: v for k, v in recent.figures.items() if now - v[0] <= KEEP}
        recent.figures[key] = (now, figures)
    title = ctx.ngettext(
        "Statistics: the last {days} day", "Statistics: the last {days} days", days
    ).format(days=days)
    wanted = request.query.get("format")
    if wanted == "png":
        drawn = (*key, ctx.locale)
        picture = recent.fresh(recent.charts.get(drawn), now)
        if picture is None:
            picture = await stats.drawing.draw(
                chart.plan(figures, chart_words(ctx, figures, title), ctx._)
            )
            recent.charts = {k: v for k, v in recent.charts.items() if now - v[0] <= KEEP}
            recent.charts[drawn] = (now, picture)
        return Download(file_name(figures), picture, "image/png")
    if wanted == "csv":
        name = file_name(figures).removesuffix(".png") + ".csv"
        return Download(name, csv_text(figures, ctx).encode("utf-8"), "text/csv")
    return Render(
        "stats/page.html",
        {
            "title": title,
            "days": days,
            "choices": CHOICES,
            "most": MOST_DAYS,
            "table": [str(line) for line in table(ctx, figures).lines()],
        },
    )


PAGE = Page("stats", N_("Statistics"), view, order=60)
