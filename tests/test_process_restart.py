"""The whole `pustaka run` process restarted around reminders that fell due while it was down.

The real process serves Telegram (the loopback fake Bot API). A moderator creates and saves an
event and a member presses Going; the process is stopped. While it is down, its two reminders
fall due: the 1-hour one 10 minutes ago (within the default one-hour grace) and the 24-hour one
3 hours ago (beyond it) — written into the database, as the clock would have moved them. At the
next start the first is delivered once, in the group and privately, and the second is marked
missed and logged. The process is then killed outright right after delivering, and started a
third time: nothing is sent again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.time.clock import utc_text
from tests.cogs.events.test_e2e_reminders import (
    GROUP,
    LIBRARIAN,
    MEMBER,
    TITLE,
    reminders_to,
    shown_with,
)
from tests.conftest import write_config
from tests.databases import rows
from tests.fakes.telegram_api import FakeTelegram, callback_press, group_chat, text_message

ROOT = Path(__file__).resolve().parents[1]


class Bot:
    """`pustaka run` in a child process, its log read as it is written."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.log = ""
        self._reading = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, folder: Path, fake: FakeTelegram) -> Bot:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PUSTAKA_TELEGRAM_TOKEN": fake.token}
        env.pop("PUSTAKA_CONFIG", None)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=folder,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        bot = cls(process)
        menus = len(fake.sent("setMyCommands"))
        await fake.wait_for("setMyCommands", count=menus + 6, within=60)
        return bot

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.log += line.decode(errors="replace")

    async def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(how)
        code = await asyncio.wait_for(self.process.wait(), 30)
        await self._reading
        return code


def move_reminders(database: Path, now: datetime) -> dict[int, str]:
    """While the bot is down: the 1-hour reminder fell due 10 minutes ago, the 24-hour one 3
    hours ago. Returns the keys of the jobs by their minutes before the event."""
    found = rows(
        database,
        "SELECT key, json_extract(payload, '$.minutes') FROM jobs"
        " WHERE kind = 'event-reminder' AND state = 'pending'",
    )
    keys = {int(str(minutes)): str(key) for key, minutes in found}
    assert set(keys) == {60, 1440}, found
    for minutes, late in ((60, timedelta(minutes=10)), (1440, timedelta(hours=3))):
        rows(
            database,
            "UPDATE jobs SET due_at = ? WHERE key = ?",
            (utc_text(now - late), keys[minutes]),
        )
    return keys


async def sends_finished(database: Path) -> None:
    """Until every message the bot began to send has been taken by the platform and written
    down as taken: its send-once key marked sent and its outbox row gone (a kill before the
    outbox forgets a delivered row sends it again, as one cut mid-send)."""
    for _ in range(300):
        if not rows(database, "SELECT 1 FROM sent_keys WHERE state = 'sending'") and not rows(
            database, "SELECT 1 FROM outbox"
        ):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("a send never finished")


def states(database: Path) -> dict[str, str]:
    return dict(rows(database, "SELECT key, state FROM jobs WHERE kind = 'event-reminder'"))


async def settled(database: Path, keys: dict[int, str]) -> dict[str, str]:
    """The reminders' states once neither is pending nor running any more."""
    for _ in range(300):
        found = states(database)
        if all(found.get(key) in ("done", "missed") for key in keys.values()):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"the reminders did not settle: {states(database)}")


async def test_reminders_due_while_down_follow_the_grace_and_never_repeat(
    tmp_path: Path,
) -> None:
    """Down over two due reminders: the one within the grace arrives once, the other is missed."""
    fake = FakeTelegram()
    await fake.start()
    fake.admins[GROUP] = [LIBRARIAN["id"]]
    write_config(tmp_path, f'[telegram]\nbase_url = "{fake.base_url}"\n')
    database = tmp_path / "pustaka.db"
    try:
        first = await Bot.start(tmp_path, fake)
        before = len(fake.calls)
        fake.push_update(
            text_message(
                f'/event create "{TITLE}" "2030-12-05 14:00"',
                chat=group_chat(GROUP),
                sender=LIBRARIAN,
            )
        )
        draft, save = await shown_with(fake, "Simpan", before)
        before = len(fake.calls)
        fake.push_update(callback_press(save, message=draft, sender=LIBRARIAN))
        card, going = await shown_with(fake, "Hadir", before)
        answers = len(fake.sent("answerCallbackQuery"))
        fake.push_update(callback_press(going, message=card, sender=MEMBER))
        await fake.wait_for("answerCallbackQuery", count=answers + 1)
        assert await first.stop() == 0

        keys = move_reminders(database, datetime.now(UTC))
        second = await Bot.start(tmp_path, fake)
        await fake.wait_for(
            "sendMessage",
            where=lambda c: (
                int(c.params["chat_id"]) == MEMBER["id"] and ("Pengingat" in c.params["text"])
            ),
        )
        await fake.wait_for(
            "sendMessage",
            where=lambda c: int(c.params["chat_id"]) == GROUP and "Pengingat" in c.params["text"],
        )
        await sends_finished(database)  # a send cut by the kill would be sent again (logged)
        assert await second.stop(signal.SIGKILL) != 0  # no chance to mark the jobs done
        assert f"missed event-reminder job {keys[1440]}" in second.log

        third = await Bot.start(tmp_path, fake)
        found = await settled(database, keys)
        await asyncio.sleep(0.5)  # time enough for a duplicate to reach the fake, were one sent
        assert await third.stop() == 0
        assert found == {keys[60]: "done", keys[1440]: "missed"}
        in_group, to_member = reminders_to(fake, GROUP), reminders_to(fake, MEMBER["id"])
        assert len(in_group) == len(to_member) == 1
        assert "Dalam 1 jam" in in_group[0] and "Dalam 1 jam" in to_member[0]
        assert "missed" not in third.log
    finally:
        await fake.stop()
