"""Clubs are tried on the bundled sample catalog (real books), with the fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, load_config
from tests.conftest import write_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, sample=True), env={})
