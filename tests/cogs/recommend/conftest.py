from __future__ import annotations

import random

import pytest

from bot.api.package import FeaturePackage
from bot.api.services import Services
from bot.process.features import discover
from cogs.recommend.commands import RecommendFeature
from tests.cogs.sample_catalog import catalog, config

SEED = 7
__all__ = ["catalog", "config", "seeded_features"]


def seeded_features(seed: int = SEED) -> list[FeaturePackage]:
    """Every feature, with recommendations drawing from a seeded random source."""

    def recommend(services: Services) -> RecommendFeature:
        return RecommendFeature(services, random.Random(seed))

    return [p.with_factory(recommend) if p.name == "recommend" else p for p in discover()]


@pytest.fixture
def features() -> list[FeaturePackage]:
    return seeded_features()
