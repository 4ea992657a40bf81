"""`pustaka status` tells, from another process, what the running bot is doing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.config import load_config
from bot.process.app import App
from bot.process.cli import main
from bot.storage.inbox import Inbox
from bot.storage.outbox import OutboxTable
from tests import databases
from tests.bot.adapters.test_telegram import free_port
from tests.conftest import write_config
from tests.databases import on_postgres
from tests.fakes.running import telegram_bot
from tests.fakes.telegram_api import FakeTelegram, text_message

SQLITE_FILE_ONLY = pytest.mark.skipif(
    on_postgres(), reason="reads the SQLite file; PostgreSQL has its own tools"
)


def status(directory: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(directory / "config.toml"), "status"])
    return code, capsys.readouterr().out


@SQLITE_FILE_ONLY
async def test_a_running_bot_connected(
    tmp_path: Path, telegram_fake: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    async with telegram_bot(tmp_path, telegram_fake) as app:
        code, shown = await asyncio.to_thread(status, tmp_path, capsys)
        assert code == 0
        assert "telegram: connected since " in shown
        assert "inbox: nothing waiting" in shown
        assert "outbox: nothing waiting" in shown

        # Work waiting: an update stored but not handled, a job a minute overdue.
        await Inbox(app.services.store, app.services.clock, "telegram").take(
            [("99", {"update_id": 99, **text_message("/start")})]
        )
        app.services.scheduler.hold()
        await app.services.scheduler.schedule(
            "nothing", "late:1", app.services.clock.now() - timedelta(minutes=1)
        )
        # a message stored by a process that stopped before sending it (no queue holds it yet)
        await OutboxTable(app.services.store).add(
            "telegram", '{"channel_id":"5"}', "[]", app.services.clock.now()
        )
        code, shown = await asyncio.to_thread(status, tmp_path, capsys)
        assert "inbox: 1 telegram updates waiting, the oldest since " in shown
        assert "outbox: 1 telegram messages waiting, the oldest since " in shown
        assert "1 overdue" in shown
        # a job a moderator paused is held on purpose, not overdue
        await app.services.scheduler.schedule(
            "nothing", "late:2", app.services.clock.now() - timedelta(minutes=2)
        )
        held = await app.services.store.fetchval("SELECT id FROM jobs WHERE key = 'late:2'")
        await app.services.scheduler.pause(held)
        code, shown = await asyncio.to_thread(status, tmp_path, capsys)
        assert "1 overdue" in shown
    code, shown = await asyncio.to_thread(status, tmp_path, capsys)
    assert "telegram: stopped since " in shown


@SQLITE_FILE_ONLY
async def test_an_unreachable_platform(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = f'[telegram]\ntoken = "1:x"\nbase_url = "http://127.0.0.1:{free_port()}/bot"\n'
    app = await App.open(load_config(write_config(tmp_path, settings), env={}))
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await asyncio.sleep(0.5)
        code, shown = await asyncio.to_thread(status, tmp_path, capsys)
        assert "telegram: unreachable since " in shown
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()


def test_before_the_bot_ever_ran(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    databases.never_opened(tmp_path / "pustaka.db")
    write_config(tmp_path)
    code, shown = status(tmp_path, capsys)
    assert code == 2
    assert "the bot has not run yet" in shown
