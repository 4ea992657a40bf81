"""Recommend's part of /stats: what members asked for that the library lacks or has on loan."""

from __future__ import annotations

from bot.api.commands import N_
from cogs.recommend.demand import most_wanted
from cogs.stats.public import Insight, InsightWanted


async def demand_insight(event: InsightWanted) -> list[Insight]:
    wanted = await most_wanted(event.store, event.since, limit=10)
    return [
        Insight(
            "unmet_demand",
            N_("Most asked for, not on the shelf"),
            (N_("Title"), N_("Members"), N_("Asks")),
            tuple((d.wanted, d.members, d.asks) for d in wanted),
            chart=1,
        )
    ]
