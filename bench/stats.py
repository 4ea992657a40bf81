"""/stats 365 for a community of 10,000 members with a year of activity.

    python bench/stats.py [--members 10000] [--usage 5000000] [--answers 50000] [--events 200]

Pustaka runs in-process with every feature; the console adapter is told it shows images, so
/stats answers with the chart (a PNG drawn by matplotlib) as Discord and Telegram get it. The
database is filled with SQL (recursive CTEs): `--members` members, `--usage` command uses
spread over the last 365 days (more in the afternoon and evening), `--answers` quiz answers,
`--events` events with RSVPs. The rows are rolled up once, as the bot's periodic catch-up does
(timed and reported apart), then an hour's worth of new uses is added, which /stats folds in
before it reads.

Measured: the time from the moderator's `/stats 365` to its printed answer (catching up the
new rows, every query, the features' tables, drawing the chart), the first time (matplotlib
imported then) and the following runs; and the process's memory growth during the first
/stats: peak resident memory during it (VmHWM, reset just before) minus the resident memory
before it. Targets from issue 15: ≤ 1 s including the chart, memory growth ≤ 30 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.process.app import App  # noqa: E402
from bot.storage.store import Atomic  # noqa: E402
from bot.time.clock import FakeClock  # noqa: E402
from cogs.stats import rollup  # noqa: E402
from tests.conftest import Chat, write_config  # noqa: E402

TARGET_S = 1.0
TARGET_MB = 30.0
NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
YEAR = 365 * 24 * 3600
COMMANDS = ("book", "search", "recommend", "quiz start", "answer", "event list", "rsvp", "help")


def memory(field: str) -> float:
    """A line of /proc/self/status in MB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


async def fill(app: App, members: int, usage: int, answers: int, events: int) -> None:
    store = app.services.store
    community = await store.fetchval("SELECT id FROM communities")
    moderator = await store.fetchval("SELECT id FROM members")
    start = int(NOW.timestamp()) - YEAR
    stamp = NOW.isoformat()

    def work(db: Atomic) -> None:
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO members (platform, platform_id, display_name, created_at, last_seen_at)"
            " SELECT 'console', 'm' || i, 'Anggota ' || i, ?, ? FROM n",
            (members, stamp, stamp),
        )
        first = moderator + 1
        cases = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(COMMANDS))
        # a day of the year, then an hour leaning towards the afternoon (two dice averaged)
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO command_usage (at, platform, community_id, member_id, command, outcome)"
            " SELECT strftime('%Y-%m-%dT%H:%M:%S+00:00', ? + (abs(random()) % 365) * 86400"
            "   + ((abs(random()) % 24 + abs(random()) % 24) / 2) * 3600"
            "   + abs(random()) % 3600, 'unixepoch'),"
            f" 'console', ?, ? + abs(random()) % ?, CASE abs(random()) % {len(COMMANDS)} {cases}"
            " END, 'ok' FROM n",
            (usage, start, community, first, members),
        )
        quizzes = max(1, answers // 100)
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO quizzes (community_id, destination, channel, pack_key, pack_title,"
            " seconds, mode, state, started_at, finished_at)"
            " SELECT ?, 'console:console', 'c' || i, 'sastra', 'Sastra', 20, 'buttons',"
            " 'finished', strftime('%Y-%m-%dT%H:%M:%S+00:00', ? + i * 60000, 'unixepoch'), NULL"
            " FROM n",
            (quizzes, community, start),
        )
        db.execute(
            "INSERT INTO quiz_questions (quiz_id, position, prompt, opened_at)"
            " SELECT q.id, p.value, 'Soal', q.started_at FROM quizzes q,"
            " (SELECT 1 AS value UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
            "  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8"
            "  UNION ALL SELECT 9 UNION ALL SELECT 10) p"
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)"
            " INSERT INTO quiz_answers (question_id, member_id, answer, correct, points,"
            " answered_at)"
            " SELECT qq.id, ? + (n.i % 10) * (? / 10) + qq.id % (? / 10), 'A', n.i % 2,"
            " (n.i % 2) * 10, qq.opened_at"
            " FROM n JOIN quiz_questions qq ON qq.id = 1 + n.i / 10",
            (answers, first, members, members),
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO events (community_id, destination, title, starts_at, state, created_at)"
            " SELECT ?, 'console:console', 'Bedah Buku ' || i,"
            " strftime('%Y-%m-%dT%H:%M:%S+00:00', ? + i * 150000, 'unixepoch'), 'scheduled', ?"
            " FROM n",
            (events, community, start, stamp),
        )
        db.execute(
            "INSERT INTO rsvps (event_id, member_id, answer, at)"
            " SELECT e.id, ? + (e.id * 37 + k.value * 101) % ?,"
            " CASE k.value % 3 WHEN 0 THEN 'maybe' ELSE 'going' END, e.starts_at"
            " FROM events e, (WITH RECURSIVE r(value) AS (SELECT 1 UNION ALL"
            "  SELECT value + 1 FROM r WHERE value < 30) SELECT value FROM r) k",
            (first, members),
        )

    await store.atomically(work)


async def main(members: int, usage: int, answers: int, events: int, runs: int) -> int:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(write_config(Path(folder)), env={})
        app = await App.open(config, clock=FakeClock(NOW))
        try:
            librarian = Chat(app, user="pustakawan", moderator=True, files=Path(folder) / "f")
            librarian.adapter.capabilities = replace(librarian.adapter.capabilities, images=True)
            app.services.messenger.register("console", librarian.adapter)
            await librarian.say("/help")
            began = time.perf_counter()
            await fill(app, members, usage, answers, events)
            filled = time.perf_counter() - began
            began = time.perf_counter()
            await rollup.catch_up(app.services.store, config.bot.tz, NOW)
            rolled = time.perf_counter() - began
            hour = max(1, usage // (365 * 24))
            await fill_hour(app, hour)

            before = memory("VmRSS")
            reset_peak()
            began = time.perf_counter()
            shown = await librarian.say("/stats 365")
            first = time.perf_counter() - began
            growth = memory("VmHWM") - before
            assert "anggota ikut serta" in shown and ".png" in shown, shown
            assert "masih dihitung" not in shown, shown
            later, peaks = [], []
            for _ in range(runs):
                await fill_hour(app, hour)
                again = memory("VmRSS")
                reset_peak()
                began = time.perf_counter()
                await librarian.say("/stats 365")
                later.append(time.perf_counter() - began)
                peaks.append(memory("VmHWM") - again)
            steady = memory("VmRSS") - before
            reading, drawing = await parts(app)
        finally:
            await app.close()
    print(
        f"/stats 365: {members:,} members, {usage:,} command uses, {answers:,} quiz answers,"
        f" {events} events (filled in {filled:.1f} s)"
    )
    print(f"  rolling the year up once (the periodic catch-up): {rolled:.1f} s")
    print(f"  first /stats 365 (matplotlib imported, {hour} new uses folded in): {first:.2f} s")
    print(
        f"  next {runs} runs ({hour} new uses before each): median"
        f" {statistics.median(later):.2f} s, worst {max(later):.2f} s"
    )
    print(
        f"  of one run: the queries and the features' tables {reading:.2f} s,"
        f" drawing the chart {drawing:.2f} s"
    )
    print(
        f"  memory growth during the first /stats (matplotlib imported): {growth:.1f} MB peak;"
        f" during each later one: {statistics.median(peaks):.1f} MB peak (median);"
        f" {steady:.1f} MB still held after {runs + 1} runs"
    )
    met_time = max(first, *later) <= TARGET_S
    met_memory = growth <= TARGET_MB
    print(f"  target ≤ {TARGET_S:.0f} s including the chart: {'met' if met_time else 'NOT met'}")
    print(f"  target ≤ {TARGET_MB:.0f} MB memory growth: {'met' if met_memory else 'NOT met'}")
    return 0


async def parts(app: App) -> tuple[float, float]:
    """One /stats 365 taken apart: reading the figures, then drawing them."""
    from cogs.stats.chart import render
    from cogs.stats.figures import feature_names, gather
    from cogs.stats.render import Voice, chart_words

    services = app.services
    circle = tuple(row[0] for row in await services.store.fetchall("SELECT id FROM communities"))
    began = time.perf_counter()
    figures = await gather(
        services.store,
        services.events,
        circle,
        days=365,
        now=NOW,
        tz=services.config.bot.tz,
        features=feature_names(services.registry),
    )
    reading = time.perf_counter() - began
    voice = Voice("id", services.i18n.translations("id"))
    began = time.perf_counter()
    render(figures, chart_words(voice, figures, "Statistik"), voice._)
    return reading, time.perf_counter() - began


async def fill_hour(app: App, count: int) -> None:
    """`count` new uses in the last hour, by members already there."""
    store = app.services.store
    community = await store.fetchval("SELECT id FROM communities")
    await store.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO command_usage (at, platform, community_id, member_id, command, outcome)"
        " SELECT ?, 'console', ?, 2 + i % 100, 'book', 'ok' FROM n",
        (count, NOW.isoformat(), community),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--usage", type=int, default=5_000_000)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.members, args.usage, args.answers, args.events, args.runs)))
