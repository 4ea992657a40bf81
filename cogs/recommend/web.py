"""The wanted page of the web dashboard: what members asked for that the library lacks or has
all on loan (as /wanted counts it), with the whole list as CSV for acquisitions."""

from __future__ import annotations

from datetime import timedelta

from bot.api.commands import N_
from bot.api.web import Download, Page, Render, View, WebRequest
from cogs.recommend.demand import most_wanted, wanted_csv

DEFAULT_DAYS = 90
SHOWN = 100


async def view(request: WebRequest) -> View:
    ctx = request.ctx
    asked = request.query.get("days", "")
    days = int(asked) if asked.isdigit() and 1 <= int(asked) <= 3650 else DEFAULT_DAYS
    since = ctx.clock.now() - timedelta(days=days)
    if request.query.get("format") == "csv":
        demand = await most_wanted(ctx.store, since, limit=None)
        today = ctx.clock.now().astimezone(ctx.timezone).date().isoformat()
        return Download(f"wanted-{today}.csv", wanted_csv(demand).encode("utf-8"), "text/csv")
    demand = await most_wanted(ctx.store, since, limit=SHOWN)
    return Render(
        "recommend/wanted.html",
        {
            "days": days,
            "rows": [
                {
                    "wanted": item.wanted,
                    "where": ctx._("not in the library")
                    if item.kind == "missing"
                    else ctx._("every copy on loan"),
                    "members": item.members,
                    "asks": item.asks,
                    "last": item.last[:10],
                }
                for item in demand
            ],
        },
    )


PAGE = Page("wanted", N_("Most wanted"), view, order=50)
