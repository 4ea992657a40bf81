"""The short chaos run (tests/chaos.py): the real process killed with SIGKILL during bursts of
Telegram updates and while reminders fall due loses none of them; any answer or reminder
repeated is announced in the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chaos import run
from tests.databases import on_postgres

pytestmark = pytest.mark.skipif(
    on_postgres(), reason="tests/chaos.py checks the SQLite file itself (integrity_check)"
)


async def test_killed_during_bursts_nothing_is_lost(tmp_path: Path) -> None:
    outcome = await run(tmp_path, kills=4, burst=15, seed=7, reminders=12)
    assert outcome.offered == 60 and outcome.reminders == 12
    assert outcome.lost == outcome.reminders_lost == 0, outcome
    assert outcome.reminders_doubled <= outcome.resent, outcome
    assert outcome.integrity == "ok"
    assert outcome.doubled <= outcome.announced, outcome
