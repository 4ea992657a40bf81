"""Kill the real `pustaka run` with SIGKILL while it answers Telegram, and count what was lost.

The process serves the loopback fake Bot API (which, like Telegram, serves again every update
whose offset was not confirmed). Each round offers a burst of `/lang en` from members who never
wrote before, together with some members' `/remind me …` (a private reminder, far ahead), waits
a random moment (0-300 ms, so kills land while updates are being fetched, stored, handled and
answered), kills the process with SIGKILL, moves some reminders' time to now while it is down (so
they fall due as it starts, and the next kill lands while they are being sent) and starts it
again. At the end the bot runs until everything is answered and every reminder sent, then it
counts:

- lost: a member whose `/lang en` never took effect (their language is not English), a
  `/remind me` that left no reminder, a reminder never delivered;
- doubled: a `/remind me` that left two reminders (an update handled again after it had taken
  effect: what handlers idempotent by update id prevent); a member answered more than once, a
  reminder delivered twice — possible only on Telegram, where a send cut by the kill cannot be
  told from one that never went out, so the answer is sent again (the start announces how many
  updates it takes up again: announced counts them, an update taken up at several starts counts
  each time) or the reminder sent again (announced too);
- integrity: ``PRAGMA integrity_check`` and ``foreign_key_check``.

On Discord (:func:`run_discord`, the fake in tests/fakes/discord_api.py dropping a message
whose nonce it has seen, as Discord does with ``enforce_nonce``) members ask for reminders by
slash command while the process is killed over and over, and the reminders fall due the same
way; a reminder cut by a kill is sent again by the outbox with the same nonce, so none is lost
and none doubled. A slash command the bot acknowledged (Discord showed the member an answer or
"thinking…") must take effect once; one killed before it was answered was never acknowledged, so
the member saw it fail at first (counted apart, as unacknowledged), and must still take effect
once: stored, it is taken up at the next start; delivered to a process killed before it was
stored, it is taken back at the next start by resuming the dead gateway session (the fake, like
Discord, keeps a session whose connection dropped resumable and replays its events), counted as
salvaged from the log.

    python -m tests.chaos [--kills 50] [--burst 20] [--reminders 100] [--seed 1]
                          [--platforms telegram discord]                      (``make chaos``)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.time.clock import utc_text
from tests.conftest import write_config
from tests.fakes.discord_api import GUILD_ID, FakeDiscord
from tests.fakes.discord_api import user as discord_user
from tests.fakes.telegram_api import FakeTelegram, private_chat, text_message, user
from tests.test_process_restart import ROOT, Bot

FIRST_MEMBER = 500_000
FIRST_REMINDED = 900_000
FIRST_DISCORD = 940_000_000_000_100_000
REMINDER = "personal-reminder"
HANDLED_AGAIN = re.compile(r"(\d+) Telegram updates were not finished")
SALVAGED = re.compile(r"(\d+) Discord interactions had reached the last run but were not stored")
NONCE_RESENT = re.compile(r"discord: (\d+) messages were being sent when the bot stopped")
SENT_AGAIN = re.compile(
    r"messages being sent when the bot stopped: (\d+)"  # a job's, before the outbox took it
    r"|(\d+) messages were being sent when the bot stopped; sent again now, possibly duplicated"
)


@dataclass
class Outcome:
    kills: int
    offered: int
    lost: int
    doubled: int
    announced: int
    integrity: str
    seconds: float
    reminders: int = 0
    reminders_lost: int = 0
    reminders_doubled: int = 0
    asked_lost: int = 0
    """`/remind me` requests that left no reminder."""
    acknowledged_lost: int = 0
    """Requests lost although the platform was told they arrived: on Telegram every lost one
    (its offset was confirmed), on Discord those the bot acknowledged."""
    asked_doubled: int = 0
    """`/remind me` requests that left more than one reminder."""
    unacknowledged: int = 0
    """Discord: slash commands the bot never acknowledged (on Discord the member saw "the
    application did not respond")."""
    resent: int = 0
    dropped: int = 0
    """Discord: sends again that the platform dropped by their nonce."""
    salvaged: int = 0
    """Discord: interactions taken back at a start from the killed process's gateway session."""

    def __str__(self) -> str:
        return (
            f"{self.kills} kills, {self.offered} updates offered: {self.lost} lost,"
            f" {self.doubled} answered twice ({self.announced} repeats announced in the log);"
            f" {self.reminders} `/remind me` asked during the kills: {self.asked_lost} lost,"
            f" {self.asked_doubled} took effect twice"
            + (
                f" ({self.unacknowledged} never acknowledged, {self.acknowledged_lost} of the"
                f" acknowledged lost; {self.salvaged} taken back from a killed process's gateway"
                " session)"
                if self.unacknowledged or self.salvaged
                else ""
            )
            + f"; the reminders falling due: {self.reminders_lost} lost,"
            f" {self.reminders_doubled} sent twice ({self.resent} resends announced"
            + (f", {self.dropped} dropped by their nonce" if self.dropped else "")
            + f"); integrity {self.integrity}; {self.seconds:.0f} s"
        )


async def run(folder: Path, *, kills: int, burst: int, seed: int, reminders: int = 0) -> Outcome:
    rng = random.Random(seed)
    fake = FakeTelegram()
    await fake.start()
    write_config(folder, f'[telegram]\nbase_url = "{fake.base_url}"\n')
    database = folder / "pustaka.db"
    started = time.monotonic()
    members = iter(range(FIRST_MEMBER, FIRST_MEMBER + kills * burst))
    offered: list[int] = []
    log = ""
    try:
        bot = await Bot.start(folder, fake)
        reminded = list(range(FIRST_REMINDED, FIRST_REMINDED + reminders))
        asking = iter(reminded)
        per_round = -(-reminders // max(kills, 1))
        for _ in range(kills):
            for _ in range(burst):
                member = next(members)
                offered.append(member)
                fake.push_update(
                    text_message("/lang en", chat=private_chat(member), sender=user(member))
                )
            for member in itertools.islice(asking, per_round):
                fake.push_update(
                    text_message(
                        f"/remind me besok jam 8 pagi chaos-r{member}",
                        chat=private_chat(member),
                        sender=user(member),
                    )
                )
            await asyncio.sleep(rng.uniform(0, 0.3))
            await bot.stop(signal.SIGKILL)
            log += bot.log
            fall_due(database, per_round)
            bot = await Bot.start(folder, fake)
        await handled(database)  # the last requests too, so that their reminders fall due
        fall_due(database, reminders)
        await bot.stop(signal.SIGKILL)  # so the last ones are picked up at a start, as above
        log += bot.log
        bot = await Bot.start(folder, fake)
        await settle(database, offered)
        await reminders_settled(database)
        await bot.stop()
        log += bot.log
    finally:
        await fake.stop()
    answers = Counter(int(call.params["chat_id"]) for call in fake.sent())
    delivered = Counter(
        int(call.params["chat_id"])
        for call in fake.sent()
        if "chaos-r" in call.params["text"] and "<b>Pengingat</b>" in call.params["text"]
    )
    with sqlite3.connect(database) as db:
        english = {
            int(pid)
            for (pid,) in db.execute(
                "SELECT platform_id FROM members WHERE platform = 'telegram' AND locale = 'en'"
            )
        }
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        dangling = db.execute("PRAGMA foreign_key_check").fetchall()
    asked = reminders_asked(database, "telegram")
    return Outcome(
        kills=kills,
        offered=len(offered),
        lost=sum(1 for m in offered if m not in english),
        doubled=sum(1 for m in offered if answers[m] > 1),
        announced=sum(int(n) for n in HANDLED_AGAIN.findall(log)),
        integrity=integrity if not dangling else f"{len(dangling)} dangling rows",
        seconds=time.monotonic() - started,
        reminders=len(reminded),
        reminders_lost=sum(1 for m in reminded if asked[str(m)] and not delivered[m]),
        reminders_doubled=sum(1 for m in reminded if delivered[m] > asked[str(m)]),
        asked_lost=sum(1 for m in reminded if asked[str(m)] == 0),
        acknowledged_lost=sum(1 for m in reminded if asked[str(m)] == 0),
        asked_doubled=sum(1 for m in reminded if asked[str(m)] > 1),
        resent=sum(int(a or b) for a, b in SENT_AGAIN.findall(log)),
    )


class DiscordBot(Bot):
    """`pustaka run` serving the loopback Discord fake in a child process."""

    @classmethod
    async def start_on(cls, folder: Path, fake: FakeDiscord) -> DiscordBot:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PUSTAKA_DISCORD_TOKEN": fake.token,
            "PUSTAKA_TEST_DISCORD": f"http://127.0.0.1:{fake.port}",
        }
        env.pop("PUSTAKA_CONFIG", None)
        fake.identified.clear()
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
        bot = cls(process)
        await asyncio.wait_for(fake.identified.wait(), 60)
        return bot


async def run_discord(folder: Path, *, kills: int, seed: int, reminders: int) -> Outcome:
    """Reminders asked for by slash command while the process is killed over and over, and
    falling due during the kills; a send cut by a kill goes again with its nonce, which Discord
    (the fake) drops."""
    rng = random.Random(seed)
    fake = FakeDiscord()
    await fake.start()
    write_config(folder, f"[discord]\nguild_ids = [{GUILD_ID}]\n")
    database = folder / "pustaka.db"
    started = time.monotonic()
    members = [str(FIRST_DISCORD + n) for n in range(reminders)]
    log = ""
    try:
        bot = await DiscordBot.start_on(folder, fake)
        asking = iter(members)
        interactions: dict[str, str] = {}
        per_round = -(-reminders // max(kills, 1))
        for _ in range(kills):
            await asyncio.sleep(0.5)  # the guild and the command sync follow the identify
            for member in itertools.islice(asking, per_round):
                options = [
                    {"type": 3, "name": "when", "value": "besok jam 8 pagi"},
                    {"type": 3, "name": "text", "value": f"chaos-r{member}"},
                ]
                interaction = await fake.slash(
                    "remind",
                    [{"type": 1, "name": "me", "options": options}],
                    member=discord_user(member, f"m{member[-4:]}"),
                )
                interactions[interaction] = member
            await asyncio.sleep(rng.uniform(0, 0.3))
            await bot.stop(signal.SIGKILL)
            log += bot.log
            fall_due(database, per_round)
            bot = await DiscordBot.start_on(folder, fake)
        await handled(database)
        fall_due(database, reminders)
        await bot.stop(signal.SIGKILL)
        log += bot.log
        bot = await DiscordBot.start_on(folder, fake)
        await reminders_settled(database)
        await bot.stop()
        log += bot.log
    finally:
        await fake.stop()
    posted = Counter(
        text
        for message in fake.posted
        for embed in message["embeds"]
        if (text := _reminded(embed.get("description") or ""))
    )
    with sqlite3.connect(database) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        dangling = db.execute("PRAGMA foreign_key_check").fetchall()
    acknowledged = {
        call.path.split("/")[2] for call in fake.calls if call.path.startswith("/interactions/")
    }
    asked = reminders_asked(database, "discord")
    kept = [m for m in members if asked[m]]
    return Outcome(
        kills=kills,
        offered=0,
        lost=0,
        doubled=0,
        announced=0,
        integrity=integrity if not dangling else f"{len(dangling)} dangling rows",
        seconds=time.monotonic() - started,
        reminders=len(interactions),
        reminders_lost=sum(1 for m in kept if posted[m] == 0),
        reminders_doubled=sum(1 for m in kept if posted[m] > asked[m]),
        asked_lost=sum(1 for m in interactions.values() if asked[m] == 0),
        acknowledged_lost=sum(
            1 for i, m in interactions.items() if i in acknowledged and not asked[m]
        ),
        asked_doubled=sum(1 for m in interactions.values() if asked[m] > 1),
        unacknowledged=len(interactions.keys() - acknowledged),
        resent=sum(int(n) for n in NONCE_RESENT.findall(log)),
        dropped=fake.dropped,
        salvaged=sum(int(n) for n in SALVAGED.findall(log)),
    )


def _reminded(text: str) -> str | None:
    found = re.search(r"chaos-r(\d+)", text)
    return found[1] if found else None


async def handled(database: Path, within: float = 60) -> None:
    """Until the inbox holds nothing unfinished (or `within` seconds passed), and a second more
    for what is handled without it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as db:
            if not db.execute("SELECT count(*) FROM inbox WHERE state = 'pending'").fetchone()[0]:
                break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)


def reminders_asked(database: Path, platform: str) -> Counter[str]:
    """How many reminders each member (by platform id) has, whatever their state."""
    with sqlite3.connect(database) as db:
        return Counter(
            {
                pid: count
                for pid, count in db.execute(
                    "SELECT m.platform_id, count(*) FROM personal_reminders r"
                    " JOIN members m ON m.id = r.member_id WHERE m.platform = ?"
                    " GROUP BY m.platform_id",
                    (platform,),
                )
            }
        )


def fall_due(database: Path, count: int) -> None:
    """While the bot is down: `count` pending reminders become due now, sent as it starts."""
    now = datetime.now(UTC)
    with sqlite3.connect(database) as db:
        db.execute(
            "UPDATE jobs SET due_at = ? WHERE id IN (SELECT id FROM jobs WHERE kind = ?"
            " AND state = 'pending' AND due_at > ? ORDER BY id LIMIT ?)",
            (utc_text(now - timedelta(seconds=1)), REMINDER, utc_text(now), count),
        )


async def reminders_settled(database: Path, within: float = 120) -> None:
    """Until no reminder is pending or running nor waiting in the outbox (or `within` seconds
    passed)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as db:
            busy = db.execute(
                "SELECT count(*) FROM jobs WHERE kind = ? AND state IN ('pending', 'running')",
                (REMINDER,),
            ).fetchone()[0]
            busy += db.execute("SELECT count(*) FROM outbox WHERE state != 'failed'").fetchone()[0]
        if not busy:
            return
        await asyncio.sleep(0.2)


async def settle(database: Path, offered: list[int], within: float = 60) -> None:
    """Until every offered member's language is English (or `within` seconds passed)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as db:
            done = db.execute(
                "SELECT count(*) FROM members WHERE platform = 'telegram' AND locale = 'en'"
            ).fetchone()[0]
        if done >= len(offered):
            return
        await asyncio.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--reminders", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--platforms", nargs="+", choices=("telegram", "discord"), default=["telegram", "discord"]
    )
    args = parser.parse_args()
    # A killed client leaves the fake server's request half-read: expected, not worth a traceback.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    whole = True
    for platform in args.platforms:
        with tempfile.TemporaryDirectory() as folder:
            if platform == "telegram":
                work = run(
                    Path(folder),
                    kills=args.kills,
                    burst=args.burst,
                    seed=args.seed,
                    reminders=args.reminders,
                )
            else:
                work = run_discord(
                    Path(folder), kills=args.kills, seed=args.seed, reminders=args.reminders
                )
            outcome = asyncio.run(work)
        print(f"{platform}: {outcome}", flush=True)
        whole = (
            whole
            and outcome.lost == outcome.reminders_lost == outcome.acknowledged_lost == 0
            and outcome.asked_doubled == 0
            and outcome.integrity == "ok"
        )
    raise SystemExit(0 if whole else 1)


if __name__ == "__main__":
    main()
