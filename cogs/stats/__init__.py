"""Engagement insight (/stats, `pustaka report stats`): active members per week, activity by
feature, when members are active, and each feature's own figures, for a circle of linked
communities."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from cogs.stats.cli import REPORT
from cogs.stats.commands import Stats


def setup(package: FeaturePackage) -> None:
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
