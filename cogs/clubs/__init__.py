"""Reading clubs: a home per club, a weekly plan with prompts, progress, votes on the next book."""

from __future__ import annotations

from bot.api.package import FeaturePackage
from cogs.clubs.commands import Clubs
from cogs.clubs.prompts import load_prompts


def setup(package: FeaturePackage) -> None:
    package.tables()
    package.data(load_prompts)
    package.serve(Clubs)
