"""Fixtures for features tested on the bundled sample catalog; a feature's conftest imports
them (``from tests.cogs.sample_catalog import catalog, config``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.store import Book, Catalog
from bot.config import Config
from bot.process.app import App
from tests.conftest import configured


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    """The bundled sample catalog (real books, invented holdings) is loaded at start."""
    return configured(tmp_path, request, sample=True)


@pytest.fixture
def catalog(app: App) -> Catalog:
    return Catalog(app.services.store, app.services.clock)


async def book_titled(catalog: Catalog, title: str) -> Book:
    row = await catalog.store.fetchone("SELECT id FROM books WHERE title = ?", (title,))
    assert row is not None, title
    found = await catalog.book(row[0])
    assert found is not None
    return found
