"""The short chaos run (tests/chaos.py): the real process killed with SIGKILL during bursts of
Telegram updates loses none of them; any answer repeated is announced in the log."""

from __future__ import annotations

from pathlib import Path

from tests.chaos import run


async def test_killed_during_bursts_nothing_is_lost(tmp_path: Path) -> None:
    outcome = await run(tmp_path, kills=4, burst=15, seed=7)
    assert outcome.offered == 60
    assert outcome.lost == 0, outcome
    assert outcome.integrity == "ok"
    assert outcome.doubled <= outcome.announced, outcome
