"""Kill the real `pustaka run` with SIGKILL while it answers Telegram, and count what was lost.

The process serves the loopback fake Bot API (which, like Telegram, serves again every update
whose offset was not confirmed). Each round offers a burst of `/lang en` from members who never
wrote before, waits a random moment (0-300 ms, so kills land while updates are being fetched,
stored, handled and answered), kills the process with SIGKILL and starts it again. At the end
the bot runs until everything is answered, then the database is checked:

- lost: a member whose `/lang en` never took effect (their language is not English);
- doubled: a member answered more than once — possible only on Telegram, where a send cut by the
  kill cannot be told from one that never went out, so the update is handled again; the updates
  handled again are announced in the log at each start (announced counts them: an update handled
  again at several starts counts each time);
- integrity: ``PRAGMA integrity_check`` and ``foreign_key_check``.

    python -m tests.chaos [--kills 50] [--burst 20] [--seed 1]   (``make chaos``)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import signal
import sqlite3
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import write_config
from tests.fakes.telegram_api import FakeTelegram, private_chat, text_message, user
from tests.test_process_restart import Bot

FIRST_MEMBER = 500_000
HANDLED_AGAIN = re.compile(r"(\d+) Telegram updates were not finished")


@dataclass
class Outcome:
    kills: int
    offered: int
    lost: int
    doubled: int
    announced: int
    integrity: str
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.kills} kills, {self.offered} updates offered: {self.lost} lost,"
            f" {self.doubled} answered twice ({self.announced} repeats announced in the log),"
            f" integrity {self.integrity}; {self.seconds:.0f} s"
        )


async def run(folder: Path, *, kills: int, burst: int, seed: int) -> Outcome:
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
        for _ in range(kills):
            for _ in range(burst):
                member = next(members)
                offered.append(member)
                fake.push_update(
                    text_message("/lang en", chat=private_chat(member), sender=user(member))
                )
            await asyncio.sleep(rng.uniform(0, 0.3))
            await bot.stop(signal.SIGKILL)
            log += bot.log
            bot = await Bot.start(folder, fake)
        await settle(database, offered)
        await bot.stop()
        log += bot.log
    finally:
        await fake.stop()
    answers = Counter(int(call.params["chat_id"]) for call in fake.sent())
    with sqlite3.connect(database) as db:
        english = {
            int(pid)
            for (pid,) in db.execute(
                "SELECT platform_id FROM members WHERE platform = 'telegram' AND locale = 'en'"
            )
        }
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        dangling = db.execute("PRAGMA foreign_key_check").fetchall()
    return Outcome(
        kills=kills,
        offered=len(offered),
        lost=sum(1 for m in offered if m not in english),
        doubled=sum(1 for m in offered if answers[m] > 1),
        announced=sum(int(n) for n in HANDLED_AGAIN.findall(log)),
        integrity=integrity if not dangling else f"{len(dangling)} dangling rows",
        seconds=time.monotonic() - started,
    )


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
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # A killed client leaves the fake server's request half-read: expected, not worth a traceback.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as folder:
        outcome = asyncio.run(run(Path(folder), kills=args.kills, burst=args.burst, seed=args.seed))
    print(f"telegram: {outcome}")
    raise SystemExit(0 if outcome.lost == 0 and outcome.integrity == "ok" else 1)


if __name__ == "__main__":
    main()
