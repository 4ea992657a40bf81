from __future__ import annotations

import random

import pytest

from bot.api.services import Services
from bot.process.app import FeatureFactory, feature_modules
from cogs.recommend.commands import RecommendFeature
from tests.cogs.sample_catalog import catalog, config

SEED = 7
__all__ = ["catalog", "config", "seeded_features"]


def seeded_features(seed: int = SEED) -> list[FeatureFactory]:
    """Every feature, with recommendations drawing from a seeded random source."""

    def recommend(services: Services) -> RecommendFeature:
        return RecommendFeature(services, random.Random(seed))

    return [
        recommend if module.__name__ == "cogs.recommend" else module.setup
        for module in feature_modules()
    ]


@pytest.fixture
def features() -> list[FeatureFactory]:
    return seeded_features()
