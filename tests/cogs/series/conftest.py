from __future__ import annotations

import random

import pytest

from bot.api.package import FeaturePackage
from bot.api.services import Services
from bot.process.features import discover
from cogs.series.commands import SeriesFeature


def seeded_features(seed: int = 11) -> list[FeaturePackage]:
    """Every feature, the series drawing their picks from a seeded random source."""

    def series(services: Services) -> SeriesFeature:
        return SeriesFeature(services, random.Random(seed))

    return [p.with_factory(series) if p.name == "series" else p for p in discover()]


@pytest.fixture
def features() -> list[FeaturePackage]:
    return seeded_features()
