"""Recommendations: by theme or subject, "more like this", personal picks, the book of the day,
and what members asked for that the library lacks (/wanted)."""

from __future__ import annotations

from bot.api.services import Services
from cogs.recommend.commands import RecommendFeature


def setup(services: Services) -> RecommendFeature:
    return RecommendFeature(services)
