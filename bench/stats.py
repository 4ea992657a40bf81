"""/stats 365 for a community of 10,000 members with a year of activity.

    python bench/stats.py [--members 10000] [--usage 5000000] [--answers 50000] [--events 200]

Pustaka runs in-process with every feature; the console adapter is told it shows images, so
/stats answers with the chart (a PNG drawn by matplotlib) as Discord and Telegram get it. The
database is filled with SQL (recursive CTEs): `--members` members, `--usage` command uses
spread over the last 365 days (more in the afternoon and evening), `--answers` quiz answers,
`--events` events with RSVPs. The rows are rolled up once, as the bot's periodic catch-up does
(timed and reported apart), then an hour's worth of new uses is added, which /stats folds in
before it reads.

The chart is drawn as configured by default (`[stats] chart_process = true`): in the drawing
process (cogs/stats/drawing.py), which a bot starts a few seconds after Discord or Telegram
comes up, and here before the first /stats; then, on the same database in a new App, in the bot
itself (`chart_process = false`), matplotlib imported at the first /stats.

Measured: the time from the moderator's `/stats 365` to its printed answer (catching up the
new rows, every query, the features' tables, drawing the chart), the first time and the
following runs; the bot process's memory growth during the first /stats: peak resident memory
during it (VmHWM, reset just before) minus the resident memory before it; and, apart, the
drawing process's own resident memory (its peak and what it holds). Targets from issue 15:
≤ 1 s including the chart, the bot's memory growth ≤ 30 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.process.app import App  # noqa: E402
from bot.storage.store import Atomic  # noqa: E402
from bot.time.clock import FakeClock  # noqa: E402
from cogs.stats import rollup  # noqa: E402
from cogs.stats.commands import Stats  # noqa: E402
from cogs.stats.figures import Figures  # noqa: E402
from tests.conftest import Chat, write_config  # noqa: E402

TARGET_S = 1.0
TARGET_MB = 30.0
NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
YEAR = 365 * 24 * 3600
COMMANDS = ("book", "search", "recommend", "quiz start", "answer", "event list", "rsvp", "help")


def memory(field: str, pid: int | str = "self") -> float:
    """A line of /proc/<pid>/status in MB (VmRSS, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


async def fill(
    app: App, members: int, usage: int, answers: int, events: int, now: datetime = NOW
) -> None:
    """A year of activity until `now` in the database's one community (also bench/web.py)."""
    store = app.services.store
    community = await store.fetchval("SELECT id FROM communities")
    moderator = await store.fetchval("SELECT id FROM members")
    start = int(now.timestamp()) - YEAR
    stamp = now.isoformat()

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


@dataclass
class Measured:
    first: float
    later: list[float]
    growth: float
    """The bot's peak memory growth during the first /stats, MB."""
    peaks: list[float]
    steady: float
    drawing: float
    """One chart drawn, seconds."""
    drawer: int | None
    """The drawing process's pid, if the chart was drawn there."""
    drawer_peak: float = 0.0
    drawer_held: float = 0.0


async def main(members: int, usage: int, answers: int, events: int, runs: int) -> int:
    """Filled once; then /stats measured with the charts drawn in the drawing process (the
    default), then, on the same database in a new App, drawn in the bot itself."""
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        apart = load_config(write_config(Path(folder), "[stats]\nchart_process = true\n"), env={})
        app = await App.open(apart, clock=FakeClock(NOW))
        try:
            librarian = librarian_of(app, folder)
            await librarian.say("/help")
            began = time.perf_counter()
            await fill(app, members, usage, answers, events)
            filled = time.perf_counter() - began
            began = time.perf_counter()
            await rollup.catch_up(app.services.store, apart.bot.tz, NOW)
            rolled = time.perf_counter() - began
            hour = max(1, usage // (365 * 24))
            drawn_apart = await measure(app, librarian, hour, runs)
            reading = await read_once(app)
        finally:
            await app.close()
        here = load_config(write_config(Path(folder), "[stats]\nchart_process = false\n"), env={})
        app = await App.open(here, clock=FakeClock(NOW))
        try:
            drawn_here = await measure(app, librarian_of(app, folder), hour, runs)
        finally:
            await app.close()
    print(
        f"/stats 365: {members:,} members, {usage:,} command uses, {answers:,} quiz answers,"
        f" {events} events (filled in {filled:.1f} s)"
    )
    print(f"  rolling the year up once (the periodic catch-up): {rolled:.1f} s")
    print(f"  reading the figures once (queries and the features' tables): {reading:.2f} s")
    for name, found in (
        ("drawn in the drawing process (chart_process = true, the default)", drawn_apart),
        ("drawn in the bot itself (chart_process = false)", drawn_here),
    ):
        print(f"  {name}:")
        print(f"    first /stats 365 ({hour} new uses folded in): {found.first:.2f} s")
        print(
            f"    next {runs} runs ({hour} new uses before each): median"
            f" {statistics.median(found.later):.2f} s, worst {max(found.later):.2f} s;"
            f" one chart drawn: {found.drawing:.2f} s"
        )
        print(
            f"    the bot's memory growth during the first /stats: {found.growth:.1f} MB peak;"
            f" during each later one: {statistics.median(found.peaks):.1f} MB peak (median);"
            f" {found.steady:.1f} MB still held after {runs + 1} runs"
        )
        if found.drawer is not None:
            print(
                f"    the drawing process (apart from the bot): {found.drawer_peak:.1f} MB peak,"
                f" {found.drawer_held:.1f} MB held"
            )
        met_time = max(found.first, *found.later) <= TARGET_S
        met_memory = found.growth <= TARGET_MB
        print(
            f"    target ≤ {TARGET_S:.0f} s including the chart:"
            f" {'met' if met_time else 'NOT met'}; ≤ {TARGET_MB:.0f} MB the bot's memory"
            f" growth: {'met' if met_memory else 'NOT met'}"
        )
    return 0


def librarian_of(app: App, folder: str) -> Chat:
    """A moderator at the console, which says it shows images: /stats answers with the chart."""
    librarian = Chat(app, user="pustakawan", moderator=True, files=Path(folder) / "f")
    librarian.adapter.capabilities = replace(librarian.adapter.capabilities, images=True)
    app.services.messenger.register("console", librarian.adapter)
    return librarian


async def measure(app: App, librarian: Chat, hour: int, runs: int) -> Measured:
    drawing = stats_feature(app).drawing
    # started by the bot a little after a platform showing images came up: start it now
    await drawing.start()
    await fill_hour(app, hour)
    before = memory("VmRSS")
    reset_peak()
    began = time.perf_counter()
    shown = await librarian.say("/stats 365")
    first = time.perf_counter() - began
    growth = memory("VmHWM") - before
    assert "anggota ikut serta" in shown and ".png" in shown, shown
    assert "masih dihitung" not in shown, shown
    assert (drawing.pid is not None) == drawing.apart, "not drawn where configured"
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
    found = Measured(first, later, growth, peaks, steady, await draw_once(app), drawing.pid)
    if found.drawer is not None:
        found.drawer_peak = memory("VmHWM", found.drawer)
        found.drawer_held = memory("VmRSS", found.drawer)
    return found


def stats_feature(app: App) -> Stats:
    [stats] = [f for f in app.services.registry.features if isinstance(f, Stats)]
    return stats


async def figures_of(app: App) -> Figures:
    """The figures of /stats 365, read as the command reads them."""
    from cogs.stats.figures import feature_names, gather

    services = app.services
    return await gather(
        services.store,
        services.events,
        await circle_of(app),
        days=365,
        now=NOW,
        tz=services.config.bot.tz,
        features=feature_names(services.registry),
    )


async def read_once(app: App) -> float:
    """Reading the figures of /stats 365 once, seconds."""
    began = time.perf_counter()
    await figures_of(app)
    return time.perf_counter() - began


async def draw_once(app: App) -> float:
    """Drawing the chart of /stats 365 once, where the bot draws it, seconds."""
    from cogs.stats.chart import plan
    from cogs.stats.render import Voice, chart_words

    figures = await figures_of(app)
    voice = Voice("id", app.services.i18n.translations("id"))
    chart = plan(figures, chart_words(voice, figures, "Statistik"), voice._)
    began = time.perf_counter()
    await stats_feature(app).drawing.draw(chart)
    return time.perf_counter() - began


async def circle_of(app: App) -> tuple[int, ...]:
    rows = await app.services.store.fetchall("SELECT id FROM communities")
    return tuple(row[0] for row in rows)


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
