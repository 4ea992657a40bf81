"""The reading clubs' part of /stats: each active club's progress and who finished."""

from __future__ import annotations

from bot.api.commands import N_
from cogs.clubs.public import club_progress
from cogs.stats.public import Insight, InsightWanted


async def clubs_insight(event: InsightWanted) -> list[Insight]:
    clubs = await club_progress(event.store, event.circle)
    return [
        Insight(
            "clubs",
            N_("Reading clubs"),
            (N_("Club"), N_("Book"), N_("Members"), N_("Finished"), N_("Progress %")),
            tuple((c.name, c.title, c.members, c.finished, round(100 * c.average)) for c in clubs),
            chart=4,
        )
    ]
