"""Clubs are tried on the bundled sample catalog (real books), with the fake clock."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from bot.time.clock import FakeClock, utc_text
from tests.conftest import write_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, sample=True), env={})


async def run_jobs(app: App, clock: FakeClock, seconds: float) -> None:
    """Move the clock and let the app's scheduler finish everything that fell due."""
    await clock.advance(seconds)
    store = app.services.store
    for _ in range(400):
        await asyncio.sleep(0.005)
        due = await store.fetchval(
            "SELECT count(*) FROM jobs WHERE state = 'running'"
            " OR (state = 'pending' AND due_at <= ?)",
            (utc_text(clock.now()),),
        )
        if not due:
            return
    raise AssertionError("the scheduler did not finish the due jobs")
