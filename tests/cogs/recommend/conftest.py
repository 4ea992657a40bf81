from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.app import App, FeatureFactory, feature_modules
from bot.catalog.store import Book, Catalog
from bot.config import Config, load_config
from bot.services import Services
from cogs.recommend.commands import RecommendFeature
from tests.conftest import write_config

SEED = 7


def seeded_features(seed: int = SEED) -> list[FeatureFactory]:
    """Every feature, with recommendations drawing from a seeded random source."""

    def recommend(services: Services) -> RecommendFeature:
        return RecommendFeature(services, random.Random(seed))

    return [
        recommend if module.__name__ == "cogs.recommend" else module.setup
        for module in feature_modules()
    ]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The bundled sample catalog (real books, invented holdings) is loaded at start."""
    return load_config(write_config(tmp_path, sample=True), env={})


@pytest.fixture
def features() -> list[FeatureFactory]:
    return seeded_features()


@pytest.fixture
def catalog(app: App) -> Catalog:
    return Catalog(app.services.store, app.services.clock)


async def book_titled(catalog: Catalog, title: str) -> Book:
    row = await catalog.store.fetchone("SELECT id FROM books WHERE title = ?", (title,))
    assert row is not None, title
    found = await catalog.book(row[0])
    assert found is not None
    return found
