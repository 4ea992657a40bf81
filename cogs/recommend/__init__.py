"""Recommendations: by theme or subject, "more like this", personal picks, the book of the day,
and what members asked for that the library lacks (/wanted)."""

from __future__ import annotations

from bot.api.commands import N_
from bot.api.package import FeaturePackage
from bot.api.privacy import Forget, Personal
from cogs.recommend import cli, web
from cogs.recommend.commands import RecommendFeature
from cogs.recommend.themes import load_themes


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.data(load_themes)
    package.report(cli.REPORT)
    package.personal_data(
        Personal(
            "unmet_demand",
            "member_id",
            N_("Books you asked for that the library lacked"),
            Forget.ANONYMISE,
            example="wanted",
        ),
    )
    package.serve(RecommendFeature)
    package.page(web.PAGE)
