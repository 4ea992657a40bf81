"""The statistics page of the web dashboard: /stats's table and chart for a number of days, and
both to download (CSV, PNG), from the same figures and the same drawing as the command."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.web import Download, Page, Render, View, WebRequest
from cogs.stats import chart
from cogs.stats.cli import csv_text
from cogs.stats.commands import DEFAULT_DAYS, MOST_DAYS, Stats, file_name
from cogs.stats.render import chart_words, table

CHOICES = (7, 30, 90, 365)


async def view(request: WebRequest) -> View:
    ctx = request.ctx
    stats = next(f for f in ctx.services.registry.features if isinstance(f, Stats))
    asked = request.query.get("days", "")
    days = int(asked) if asked.isdigit() and 1 <= int(asked) <= MOST_DAYS else DEFAULT_DAYS
    ctx.require_community()
    figures = await stats.figures(ctx.circle, days, ctx)
    title = ctx.ngettext(
        "Statistics: the last {days} day", "Statistics: the last {days} days", days
    ).format(days=days)
    wanted = request.query.get("format")
    if wanted == "png":
        picture = await stats.drawing.draw(
            chart.plan(figures, chart_words(ctx, figures, title), ctx._)
        )
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
