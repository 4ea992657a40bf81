"""Telegram through the durable inbox: an update is stored before Telegram is told it arrived,
one left unfinished is answered at the next start (once, taking effect once), an update the
library cannot read is skipped without stopping the loop, and a network that is down at start
is waited out."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.config import load_config
from bot.process.app import App, serve
from bot.storage.inbox import Inbox
from tests.bot.adapters.test_telegram import free_port
from tests.conftest import write_config
from tests.fakes.running import telegram_bot
from tests.fakes.telegram_api import FakeTelegram, private_chat, text_message, user

REMIND = "/remind me besok jam 8 pagi kembalikan buku"


async def open_app(tmp_path: Path, token: str, base_url: str) -> App:
    settings = f'[telegram]\ntoken = "{token}"\nbase_url = "{base_url}"\n'
    return await App.open(load_config(write_config(tmp_path, settings), env={}))


async def states(app: App) -> dict[str, str]:
    rows = await app.services.store.fetchall("SELECT update_id, state FROM inbox")
    return {update_id: state for update_id, state in rows}


async def test_an_unreadable_update_is_skipped_and_the_rest_answered(
    tmp_path: Path, telegram_fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll_answer without option_persistent_ids (an old self-hosted Bot API server) is
    logged once and skipped; the /start after it is answered and polling goes on calmly."""
    async with telegram_bot(tmp_path, telegram_fake) as app:
        poison = telegram_fake.push_update(
            {"poll_answer": {"poll_id": "7", "user": user(), "option_ids": [0]}}
        )
        greeting = telegram_fake.push_update(text_message("/start"))
        [answer] = await telegram_fake.wait_for("sendMessage", within=10)
        assert "Selamat datang" in answer.params["text"]
        fetched = telegram_fake.fetches
        await asyncio.sleep(1.5)
        assert telegram_fake.fetches - fetched <= 4  # long polls, not a tight loop
        assert await states(app) == {str(poison): "skipped", str(greeting): "done"}
    unreadable = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(unreadable) == 1
    assert str(poison) in unreadable[0].getMessage()


async def test_an_update_stored_but_not_handled_is_answered_at_start_once(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    """The process died after storing /start and before answering it; Telegram, never told,
    serves it again: it is answered once."""
    app = await open_app(tmp_path, telegram_fake.token, telegram_fake.base_url)
    update_id = telegram_fake.push_update(text_message("/start"))  # served again at start
    payload = {"update_id": update_id, **text_message("/start")}
    inbox = Inbox(app.services.store, app.services.clock, "telegram")
    assert await inbox.take([(str(update_id), payload)]) == [str(update_id)]
    await app.close()

    async with telegram_bot(tmp_path, telegram_fake) as again:
        await telegram_fake.wait_for("sendMessage", within=10)
        await asyncio.sleep(1.5)
        assert len(telegram_fake.sent()) == 1
        assert await states(again) == {str(update_id): "done"}


async def reminders(app: App) -> list[tuple[int, int]]:
    """Each personal reminder with the number of its jobs."""
    rows = await app.services.store.fetchall(
        "SELECT r.id, (SELECT count(*) FROM jobs WHERE key = 'remind:' || r.id || ':due')"
        " FROM personal_reminders r"
    )
    return [(row[0], row[1]) for row in rows]


async def test_an_update_answered_but_not_finished_is_answered_again_not_run_again(
    tmp_path: Path, telegram_fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """Killed while sending the answer to /remind me (answer kept, update not marked done): at
    the next start the member gets the same answer again, and still has one reminder."""
    caplog.set_level(logging.INFO, logger="pustaka")
    async with telegram_bot(tmp_path, telegram_fake) as app:
        update_id = telegram_fake.push_update(text_message(REMIND, chat=private_chat()))
        [first] = await telegram_fake.wait_for("sendMessage", within=10)
        await asyncio.sleep(0.3)  # the inbox's mark
        made = await reminders(app)
        assert len(made) == 1
    app = await open_app(tmp_path, telegram_fake.token, telegram_fake.base_url)
    await app.services.store.execute("UPDATE inbox SET state = 'pending', finished_at = NULL")
    await app.close()

    async with telegram_bot(tmp_path, telegram_fake) as again:
        [_, second] = await telegram_fake.wait_for("sendMessage", count=2, within=10)
        assert second.params["text"] == first.params["text"]
        assert f"(#{made[0][0]})" in second.params["text"]
        await asyncio.sleep(0.3)
        assert await reminders(again) == made == [(made[0][0], 1)]
        assert await states(again) == {str(update_id): "done"}
    assert any("answered before the stop" in r.getMessage() for r in caplog.records)


async def test_a_command_cut_before_its_answer_was_kept_takes_effect_once(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    """Killed after /remind me made the reminder and before its answer was kept: the command
    runs again at the next start, finds the reminder it made, and answers with its number."""
    async with telegram_bot(tmp_path, telegram_fake) as app:
        telegram_fake.push_update(text_message(REMIND, chat=private_chat()))
        [first] = await telegram_fake.wait_for("sendMessage", within=10)
        await asyncio.sleep(0.3)
        made = await reminders(app)
    app = await open_app(tmp_path, telegram_fake.token, telegram_fake.base_url)
    await app.services.store.execute(
        "UPDATE inbox SET state = 'pending', finished_at = NULL, answer = NULL"
    )
    await app.close()

    async with telegram_bot(tmp_path, telegram_fake) as again:
        [_, second] = await telegram_fake.wait_for("sendMessage", count=2, within=10)
        assert f"(#{made[0][0]})" in second.params["text"]
        await asyncio.sleep(0.3)
        assert await reminders(again) == made
        assert len(telegram_fake.sent()) == 2
    assert first.params["text"] == second.params["text"]


async def test_no_network_at_start_is_waited_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram unreachable at start: one line, no traceback, and the bot serves once it is."""
    caplog.set_level(logging.INFO, logger="pustaka")
    port = free_port()
    fake = FakeTelegram()
    app = await open_app(tmp_path, fake.token, f"http://127.0.0.1:{port}/bot")
    task = asyncio.create_task(TelegramAdapter(app.dispatcher).run())
    try:
        await asyncio.sleep(1.5)
        assert not task.done()
        await fake.start(port)
        fake.push_update(text_message("/start"))
        [answer] = await fake.wait_for("sendMessage", within=15)
        assert "Selamat datang" in answer.params["text"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()
        await fake.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "pustaka.telegram"]
    assert sum("unreachable" in line for line in lines) == 1
    assert sum("reachable again" in line for line in lines) == 1
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_refused_token_ends_with_one_clear_line(
    tmp_path: Path, telegram_fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    app = await open_app(tmp_path, "123:not-the-token", telegram_fake.base_url)
    adapter = TelegramAdapter(app.dispatcher)
    assert await asyncio.wait_for(serve(app, [adapter]), 10) is False
    [line] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Telegram refused the token" in line.getMessage()
    assert line.exc_info is None
