"""Engagement insight (/stats, `pustaka report stats`): active members per week, activity by
feature, when members are active, and each feature's own figures, for a circle of linked
communities.

The feature's modules are imported in `setup`, not at the top: the chart drawing process
(cogs/stats/drawing.py) imports this package and should load only the chart module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.api.package import FeaturePackage


def setup(package: FeaturePackage) -> None:
    from bot.api.commands import N_
    from bot.api.privacy import Forget, Personal
    from bot.config import boolean
    from cogs.stats.cli import REPORT
    from cogs.stats.commands import Stats
    from cogs.stats.settings import StatsSettings
    from cogs.stats.web import PAGE

    package.settings(StatsSettings, chart_process=boolean)
    package.tables()
    package.report(REPORT)
    # Counted activity: it stays in the totals, no longer naming the member.
    package.personal_data(
        Personal(
            "stats_member_weeks", "member_id", N_("Weeks you took part, counted"), Forget.ANONYMISE
        ),
        Personal(
            "stats_members",
            "member_id",
            N_("When you first and last took part, counted"),
            Forget.ANONYMISE,
        ),
        Personal(
            "stats_responses",
            "member_id",
            N_("Your responses to posts, counted"),
            Forget.ANONYMISE,
        ),
    )
    package.serve(Stats)
    package.page(PAGE)
