"""Recommendations: by theme or subject, "more like this", personal picks, the book of the day,
and what members asked for that the library lacks (/wanted)."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.recommend import cli
from cogs.recommend.commands import RecommendFeature
from cogs.recommend.themes import load_themes


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.data(load_themes)
    package.report(cli.REPORT)
    package.serve(RecommendFeature)
