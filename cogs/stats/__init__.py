"""Engagement insight (/stats, `pustaka report stats`): active members per week, activity by
feature, when members are active, and each feature's own figures, for a circle of linked
communities."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.stats.cli import REPORT
from cogs.stats.commands import Stats


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.report(REPORT)
    package.serve(Stats)
