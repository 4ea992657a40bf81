"""The calendar is tried with real books (the bundled sample catalog, for a club's book) and
the fake clock, which starts on Monday 5 January 2026, 10:00 WIB."""

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
    """Move the clock and let the scheduler finish everything that fell due (a paused job is
    not due)."""
    await clock.advance(seconds)
    store = app.services.store
    for _ in range(400):
        await asyncio.sleep(0.005)
        due = await store.fetchval(
            "SELECT count(*) FROM jobs WHERE state = 'running'"
            " OR (state = 'pending' AND paused = 0 AND due_at <= ?)",
            (utc_text(clock.now()),),
        )
        if not due:
            return
    raise AssertionError("the scheduler did not finish the due jobs")
