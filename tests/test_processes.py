"""Three `pustaka run` processes on one PostgreSQL database, one killed with SIGKILL in the middle
of a quiz and of a reminder burst: the others take over what it held (bot/storage/owners.py).

Each process serves the loopback fake Bot API and the loopback Discord fake. Each polls Telegram
(the fake, unlike Telegram, lets several poll) and each gets Discord's interactions (one shard,
several sessions); the first to store an update handles it. Members ask for private reminders on
both platforms; a moderator starts a one-question quiz on Telegram; the reminders are made due
all at once while members answer in the group a few at a time, so the updates spread
over the processes. The process running the reminder jobs (preferably at a moment it also holds
answers) is killed while the fakes still take its messages (each held a moment, as a slow network
would). The two left run its jobs, send what its outbox held and handle the answers it had
stored.

Then every answer is recorded once, the question's result and the standings are posted once,
every reminder job is done, every Discord member got their reminder once (one cut mid-send goes
again with its nonce, which Discord drops), and every Telegram member got theirs: once, or twice
only when the kill cut its send (Telegram cannot tell a send cut mid-flight from one that never
went out; the log announces each such repeat, and the test counts them).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.time.clock import utc_text
from tests.chaos import SENT_AGAIN
from tests.conftest import write_config
from tests.databases import on_postgres, rows
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.telegram_api import (
    FakeTelegram,
    group_chat,
    private_chat,
    text_message,
    user,
)
from tests.test_process_restart import ROOT, Bot

pytestmark = pytest.mark.skipif(
    not on_postgres(), reason="processes share a PostgreSQL database; SQLite is one process's"
)

GROUP = -100500
LIBRARIAN = 4004
PACK = "sastra-indonesia"  # a bundled pack
SECONDS = 25  # the question's time: long enough for the answers a killed process held
REMINDED = range(700_001, 700_041)
DISCORD_REMINDED = [str(940_000_000_000_200_000 + n) for n in range(1, 21)]
PLAYERS = range(800_001, 800_046)
REMINDER = "personal-reminder"
PROCESS = re.compile(r"sharing the database with other processes as process (\d+)")
TAKEN_BACK = re.compile(r"(\d+) jobs of a process that stopped are run again here")
UPDATES_AGAIN = re.compile(r"(\d+) Telegram updates were not finished")


async def start(folder: Path, telegram: FakeTelegram, discord: FakeDiscord) -> Bot:
    """`pustaka run` serving both fakes in a child process, once it serves both."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PUSTAKA_TELEGRAM_TOKEN": telegram.token,
        "PUSTAKA_DISCORD_TOKEN": discord.token,
        "PUSTAKA_TEST_DISCORD": f"http://127.0.0.1:{discord.port}",
    }
    env.pop("PUSTAKA_CONFIG", None)
    discord.identified.clear()
    menus = len(telegram.sent("setMyCommands"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.discord_process",
        "run",
        cwd=folder,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    bot = Bot(process)
    await asyncio.wait_for(discord.identified.wait(), 60)
    await telegram.wait_for("setMyCommands", count=menus + 6, within=60)
    return bot


@dataclass
class Outcome:
    answers: Counter[int]
    reminders: Counter[int]
    results: int
    standings: int
    states: Counter[str]
    jobs_taken_back: int
    updates_taken_over: int
    resent: int
    victim_held: tuple[int, int]
    """Reminder jobs running and updates pending in the killed process when it was killed."""
    posted: Counter[str]
    """Discord: reminders posted, by member (a repeat with a seen nonce is not posted)."""
    dropped: int
    """Discord: sends again that the platform dropped by their nonce."""

    def __str__(self) -> str:
        doubled = sum(1 for n in self.reminders.values() if n > 1)
        return (
            f"killed holding {self.victim_held[0]} running reminder jobs and"
            f" {self.victim_held[1]} pending updates; taken over: {self.jobs_taken_back} jobs,"
            f" {self.updates_taken_over} updates; answers recorded {sum(self.answers.values())}"
            f"/{len(PLAYERS)}; reminders delivered {sum(self.reminders.values())}"
            f"/{len(REMINDED)} ({doubled} twice, {self.resent} resends announced);"
            f" results {self.results}, standings {self.standings}; Discord reminders posted"
            f" {sum(self.posted.values())}/{len(DISCORD_REMINDED)}"
            f" ({sum(1 for n in self.posted.values() if n > 1)} twice, {self.dropped} repeats"
            " dropped by their nonce)"
        )


async def until(check, what: str, within: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {within} s")


def answer(player: int, typed: str) -> dict[str, object]:
    """A member's answer typed in the group."""
    return text_message(
        f"/answer {typed}", chat=group_chat(GROUP), sender=user(player, f"P{player}")
    )


def count(sql: str, database: Path) -> int:
    return int(rows(database, sql)[0][0])


def owner(bot: Bot) -> int:
    found = PROCESS.search(bot.log)
    assert found, bot.log
    return int(found[1])


async def run(folder: Path) -> Outcome:
    fake = FakeTelegram(answer_delay=0.03)
    await fake.start()
    fake.admins[GROUP] = [LIBRARIAN]
    discord = FakeDiscord(answer_delay=0.03)
    await discord.start()
    write_config(
        folder,
        f'[telegram]\nbase_url = "{fake.base_url}"\n[discord]\nguild_ids = [{GUILD_ID}]\n',
    )
    database = folder / "pustaka.db"
    bots: list[Bot] = []
    try:
        for _ in range(3):
            bots.append(await start(folder, fake, discord))
        await asyncio.sleep(0.5)  # the guild and the command sync follow the identify
        for member in DISCORD_REMINDED:
            options = [
                {"type": 3, "name": "when", "value": "besok jam 8 pagi"},
                {"type": 3, "name": "text", "value": f"pgprocs-d{member}"},
            ]
            await discord.slash(
                "remind",
                [{"type": 1, "name": "me", "options": options}],
                member=discord_user(member, f"m{member[-4:]}"),
            )
        for member in REMINDED:
            fake.push_update(
                text_message(
                    f"/remind me besok jam 8 pagi pgprocs-r{member}",
                    chat=private_chat(member),
                    sender=user(member),
                )
            )
        await until(
            lambda: (
                count(f"SELECT count(*) FROM jobs WHERE kind = '{REMINDER}'", database)
                == len(REMINDED) + len(DISCORD_REMINDED)
            ),
            "every reminder asked",
        )

        fake.push_update(
            text_message(
                f"/quiz start {PACK} 1 {SECONDS}",
                chat=group_chat(GROUP),
                sender=user(LIBRARIAN, "Pustakawan"),
            )
        )
        in_group = lambda c: int(c.params["chat_id"]) == GROUP  # noqa: E731
        await fake.wait_for(
            "sendMessage",
            where=lambda c: in_group(c) and "Pertanyaan 1 dari 1" in c.params["text"],
            within=30,
        )
        # A letter for a question with choices; for one without, any text (judged, recorded).
        [(choices,)] = rows(database, "SELECT choices FROM quiz_questions")
        typed = "A" if choices != "[]" else "Andrea Hirata"

        # The reminders fall due now, and the members answer meanwhile, a few at a time.
        rows(
            database,
            "UPDATE jobs SET due_at = ? WHERE kind = ?",
            (utc_text(datetime.now(UTC) - timedelta(seconds=1)), REMINDER),
        )
        players = iter(PLAYERS)
        held = (0, 0)
        victim: Bot | None = None
        delivered = lambda: sum(  # noqa: E731
            1 for c in fake.sent() if "pgprocs-r" in c.params.get("text", "")
        )
        await until(lambda: delivered() >= 3, "the reminders' burst", within=30)
        tries = 0  # looks for a moment the burst's process also handles answers
        while victim is None:
            for player in [next(players, None) for _ in range(3)]:
                if player is not None:
                    fake.push_update(answer(player, typed))
            await asyncio.sleep(0.03)
            running = dict(
                rows(
                    database,
                    "SELECT owner, count(*) FROM jobs WHERE kind = ? AND state = 'running'"
                    " GROUP BY owner",
                    (REMINDER,),
                )
            )
            if not running:
                continue
            pending = dict(
                rows(
                    database,
                    "SELECT owner, count(*) FROM inbox WHERE state = 'pending' GROUP BY owner",
                )
            )
            chosen = max(
                (bot for bot in bots if owner(bot) in running),
                key=lambda bot: (pending.get(owner(bot), 0), running[owner(bot)]),
            )
            tries += 1
            if pending.get(owner(chosen)) or tries >= 10:
                victim = chosen
                held = (int(running[owner(victim)]), int(pending.get(owner(victim), 0)))
                await victim.stop(signal.SIGKILL)
        for player in players:  # the rest answer after the kill
            fake.push_update(answer(player, typed))
        survivors = [bot for bot in bots if bot is not victim]

        await until(
            lambda: count("SELECT count(*) FROM quiz_answers", database) >= len(PLAYERS),
            "every answer recorded",
        )
        await until(
            lambda: (
                count(
                    f"SELECT count(*) FROM jobs WHERE kind = '{REMINDER}' AND state = 'done'",
                    database,
                )
                == len(REMINDED) + len(DISCORD_REMINDED)
                and count("SELECT count(*) FROM outbox", database) == 0
            ),
            "every reminder sent",
        )
        await until(
            lambda: count("SELECT count(*) FROM quizzes WHERE state = 'finished'", database) == 1,
            "the quiz finished",
            within=SECONDS + 30,
        )
        await until(lambda: count("SELECT count(*) FROM outbox", database) == 0, "all posted")
        await asyncio.sleep(1)  # time enough for a repeat to reach the fake, were one sent
        for bot in survivors:
            assert await bot.stop() == 0
        bots = []
        log = "".join(bot.log for bot in survivors)
    except BaseException:
        for bot in bots:  # shown by pytest with the failure
            print(f"--- process {PROCESS.search(bot.log)}:\n{bot.log[-6000:]}")
        raise
    finally:
        for bot in bots:
            if bot.process.returncode is None:
                await bot.stop(signal.SIGKILL)
        await fake.stop()
        await discord.stop()

    answered = rows(
        database,
        "SELECT m.platform_id FROM quiz_answers a JOIN members m ON m.id = a.member_id"
        " WHERE m.platform = 'telegram'",
    )
    group = [c.params["text"] for c in fake.sent() if in_group(c)]
    return Outcome(
        answers=Counter(int(str(pid)) for (pid,) in answered),
        reminders=Counter(
            int(c.params["chat_id"])
            for c in fake.sent()
            if "pgprocs-r" in c.params["text"] and "<b>Pengingat</b>" in c.params["text"]
        ),
        results=sum(1 for text in group if "Jawabannya:" in text),
        standings=sum(1 for text in group if "Klasemen akhir" in text),
        states=Counter(
            str(state)
            for (state,) in rows(database, "SELECT state FROM jobs WHERE kind = ?", (REMINDER,))
        ),
        jobs_taken_back=sum(int(n) for n in TAKEN_BACK.findall(log)),
        updates_taken_over=sum(int(n) for n in UPDATES_AGAIN.findall(log)),
        resent=sum(int(a or b) for a, b in SENT_AGAIN.findall(log)),
        victim_held=held,
        posted=Counter(
            found[1]
            for message in discord.posted
            for embed in message["embeds"]
            if (found := re.search(r"pgprocs-d(\d+)", embed.get("description") or ""))
        ),
        dropped=discord.dropped,
    )


async def test_a_process_killed_mid_quiz_and_mid_burst_loses_nothing(tmp_path: Path) -> None:
    outcome = await run(tmp_path)
    print(outcome)
    assert outcome.victim_held[0] > 0 and outcome.jobs_taken_back > 0, outcome
    assert outcome.answers == Counter({player: 1 for player in PLAYERS}), outcome
    assert outcome.results == outcome.standings == 1, outcome
    assert outcome.states == Counter({"done": len(REMINDED) + len(DISCORD_REMINDED)}), outcome
    assert outcome.posted == Counter({member: 1 for member in DISCORD_REMINDED}), outcome
    assert set(outcome.reminders) == set(REMINDED), outcome
    doubled = sum(1 for n in outcome.reminders.values() if n > 1)
    assert max(outcome.reminders.values()) <= 2 and doubled <= outcome.resent, outcome
