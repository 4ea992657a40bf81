"""/privacy and /forgetme in a big community: how long a member waits.

    python bench/privacy.py [--members 10000] [--usage 1000000] [--runs 5] [--without-index]

Pustaka runs in-process with every feature and the console adapter (the `chat` of the tests).
The database holds `--members` members and `--usage` usage records (command_usage) spread over
them and a year, 20 quiz answers each, 10,000 finished jobs, 20,000 sent keys and 2,000 stored
Telegram updates; the member measured has used about 1,000 commands and holds rows in every
feature's tables. Measured: the time from `/privacy` to its printed answer, and from
`/forgetme ya` to its answer (the whole forgetting, in one transaction), `--runs` members each;
a night's pruning (the records a day past a year) and pruning a year of records down to 30 days
(in batches of 5,000, one transaction each). No target in issue 15; the
numbers are in BENCHMARKS.md. `--without-index` drops the index of usage records by member
(core migration 0013) to show what it saves: without it they are scanned whole for one member.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.api import privacy  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.process.app import App  # noqa: E402
from bot.time.clock import FakeClock, utc_text  # noqa: E402
from tests.conftest import Chat, write_config  # noqa: E402

COMMANDS = ("book", "shelf", "quiz leaderboard", "answer", "event list", "recommend")


async def fill(app: App, members: int, usage: int) -> None:
    store = app.services.store
    now = app.services.clock.now()
    stamp = utc_text(now)
    rng = random.Random(15)
    async with store.transaction() as tx:
        await tx.executemany(
            "INSERT INTO members (platform, platform_id, display_name, created_at, last_seen_at)"
            " VALUES ('telegram', ?, ?, ?, ?)",
            ((str(500_000_000 + i), f"Anggota {i}", stamp, stamp) for i in range(members)),
        )
        community = await tx.fetchval("SELECT id FROM communities LIMIT 1")
        first = await tx.fetchval("SELECT min(id) FROM members WHERE platform = 'telegram'")
        await tx.executemany(
            "INSERT INTO command_usage (at, platform, community_id, member_id, command, outcome)"
            " VALUES (?, 'telegram', ?, ?, ?, 'ok')",
            (
                (
                    utc_text(now - timedelta(seconds=rng.randrange(365 * 86400))),
                    community,
                    first + rng.randrange(members),
                    rng.choice(COMMANDS),
                )
                for _ in range(usage)
            ),
        )
        await tx.executemany(
            "INSERT INTO jobs (kind, key, payload, due_at, state) VALUES (?, ?, ?, ?, 'done')",
            (
                ("event-reminder", f"event:{i}:r0:once:60m", json.dumps({"event": i}), stamp)
                for i in range(10_000)
            ),
        )
        await tx.executemany(
            "INSERT INTO sent_keys (key, sent_at) VALUES (?, ?)",
            ((f"event:{i}:r0:once:60m:{first + i % members}", stamp) for i in range(20_000)),
        )
        await tx.executemany(
            "INSERT INTO inbox (platform, update_id, payload, received_at, state)"
            " VALUES ('telegram', ?, ?, ?, 'done')",
            (
                (
                    str(i),
                    json.dumps({"message": {"from": {"id": 500_000_000 + i % members}}}),
                    stamp,
                )
                for i in range(2_000)
            ),
        )


WITHOUT_INDEX = "DROP INDEX command_usage_by_member"  # core migration 0013


async def measure(members: int, usage: int, runs: int, index: bool) -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        config = load_config(write_config(directory, sample=True), env={})
        clock = FakeClock()
        app = await App.open(config, clock=clock)
        try:
            Chat(app, user="pustakawan", moderator=True)
            started = time.perf_counter()
            await fill(app, members, usage)
            if not index:
                await app.services.store.execute(WITHOUT_INDEX)
            print(
                f"filled in {time.perf_counter() - started:.1f} s: {members:,} members, "
                f"{usage:,} usage records"
            )
            shown_ms, forgotten_ms = [], []
            for run in range(runs):
                chat = Chat(app, user=f"wulan{run}")
                for line in (
                    "/shelf add Bumi Manusia reading",
                    "/rate Laskar Pelangi 5 Bagus",
                    "/remind me besok jam 7 malam rapat klub",
                    "/suggest Cantik Itu Luka wajib",
                ):
                    await chat.say(line)
                member = await app.services.store.fetchval(
                    "SELECT id FROM members WHERE platform_id = ?", (f"wulan{run}",)
                )
                await app.services.store.executemany(
                    "INSERT INTO command_usage (at, platform, member_id, command, outcome)"
                    " VALUES (?, 'console', ?, 'book', 'ok')",
                    [(utc_text(clock.now()), member)] * 1000,
                )
                started = time.perf_counter()
                shown = await chat.say("/privacy")
                shown_ms.append((time.perf_counter() - started) * 1000)
                assert "1004" in shown, shown
                started = time.perf_counter()
                done = await chat.say("/forgetme ya")
                forgotten_ms.append((time.perf_counter() - started) * 1000)
                assert "melupakan" in done, done
            started = time.perf_counter()
            nightly = await privacy.prune_usage(
                app.services.store, app.services.privacy, clock.now(), 364
            )
            nightly_s = time.perf_counter() - started
            started = time.perf_counter()
            pruned = await privacy.prune_usage(
                app.services.store, app.services.privacy, clock.now(), 30
            )
            pruning = time.perf_counter() - started
        finally:
            await app.close()
    print(f"/privacy:  median {statistics.median(shown_ms):.0f} ms, max {max(shown_ms):.0f} ms")
    print(
        f"/forgetme: median {statistics.median(forgotten_ms):.0f} ms, "
        f"max {max(forgotten_ms):.0f} ms"
    )
    print(f"a night's pruning (the oldest day of a year): {nightly:,} records in {nightly_s:.2f} s")
    print(f"pruning a year down to 30 days: {pruned:,} records in {pruning:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--usage", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--without-index",
        dest="index",
        action="store_false",
        help="drop the index of usage records by member, as before core migration 0013",
    )
    args = parser.parse_args()
    asyncio.run(measure(args.members, args.usage, args.runs, args.index))


if __name__ == "__main__":
    main()
