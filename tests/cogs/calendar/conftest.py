"""The calendar is tried with real books (the bundled sample catalog, for a club's book) and
the fake clock, which starts on Monday 5 January 2026, 10:00 WIB."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config
from tests.conftest import configured


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    return configured(tmp_path, request, sample=True)
