"""/calendar with 1,000 scheduled items: how long a moderator waits for the list.

    python bench/content_calendar.py [--items 1000] [--others 1000] [--runs 50]

Pustaka runs in-process with every feature and the console adapter (the `chat` of the tests).
A community has `--items` scheduled items in the next two weeks, half event reminders (events
planned by the events feature, 24 h and 1 h before each) and half scheduled quizzes (one-off
/quiz schedule entries), and another community has `--others` scheduled quizzes of its own, which
the calendar must leave out. Measured: the time from the moderator's `/calendar` line to its
printed answer (dispatch, the scheduler's query, the describing of one page of items by the
features that own them, rendering), `--runs` times; and the same for the last page, which
describes every item before it. Target from issue 15: /calendar ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.api import identity  # noqa: E402
from bot.api.commands import Feature  # noqa: E402
from bot.api.context import Destination  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.process.app import App  # noqa: E402
from bot.time.clock import FakeClock  # noqa: E402
from cogs.calendar.listing import PAGE  # noqa: E402
from cogs.quiz.packs import bundled_packs  # noqa: E402
from cogs.quiz.schedules import plan  # noqa: E402
from tests.conftest import Chat, write_config  # noqa: E402

TARGET_MS = 50.0
SPREAD = timedelta(days=12)  # every item within the two weeks listed


def feature(app: App, name: str) -> Any:
    found: Feature = next(f for f in app.services.registry.features if f.name == name)
    return found


async def fill(
    app: App,
    items: int,
    others: int,
    *,
    moderator: str = "pustakawan",
    home: Destination | None = None,
    spread: timedelta = SPREAD,
) -> None:
    """`items` scheduled for the database's first community (posted to `home`, the console
    room unless given), evenly within `spread` from now, and `others` for another community
    (also bench/web.py)."""
    services = app.services
    now = services.clock.now()
    tz = services.config.bot.tz
    member = await services.store.fetchval(
        "SELECT id FROM members WHERE platform_id = ?", (moderator,)
    )
    community = await services.store.fetchval("SELECT id FROM communities ORDER BY id")
    room = (home or Destination("console", "console", "console")).key()
    events, quizzes = feature(app, "events"), feature(app, "quiz")
    pack = bundled_packs()[0]
    step = spread / items
    for n in range(items // 4):  # two reminders each
        starts = now + timedelta(days=1, hours=1) + step * 4 * n
        event_id = await events.events.create(
            community, room, f"Bedah Buku {n}", starts, "Aula", "", None, member, now
        )
        await events.events.set_state(event_id, "scheduled")  # confirmed
        await events.planner.plan(await events.events.get(event_id))
    _, other = await identity.remember(
        services.store,
        platform="telegram",
        member_id="7",
        display_name="Tom",
        platform_locale="id",
        community_id="-100",
        community_name="Pembaca Lain",
        now=now,
    )
    assert other is not None
    for n, (whose, where) in enumerate(
        [(community, room)] * (items - 2 * (items // 4))
        + [(other.id, Destination("telegram", "-100", "-100").key())] * others
    ):
        schedule = await quizzes.schedules.add(
            community_id=whose,
            destination=where,
            pack_key=pack.key,
            pack_title=pack.title,
            questions=10,
            seconds=20,
            starts_at=now + timedelta(hours=2) + step * n,
            recurrence=None,
            said="—",
            created_by=member,
            now=now,
        )
        await plan(services.scheduler, schedule, now, tz)


async def timed(librarian: Chat, line: str, runs: int) -> tuple[list[float], str]:
    times, shown = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        shown = await librarian.say(line)
        times.append((time.perf_counter() - start) * 1000)
    return times, shown


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, worst {ordered[-1]:.1f} ms"


async def main(items: int, others: int, runs: int) -> int:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(write_config(Path(folder)), env={})
        app = await App.open(config, clock=FakeClock())
        try:
            librarian = Chat(app, user="pustakawan", moderator=True)
            await librarian.say("/help")  # the member and the community exist
            await fill(app, items, others)
            listed = await app.services.store.fetchval(
                "SELECT count(*) FROM jobs WHERE state = 'pending'"
            )
            first, shown = await timed(librarian, "/calendar 2", runs)
            assert shown.count(" WIB — ") == PAGE, shown
            assert "Pembaca Lain" not in shown and "Telegram" not in shown
            last_page = -(-items // PAGE)
            last, shown = await timed(librarian, f"/calendar 2 {last_page}", max(5, runs // 5))
            assert 0 < shown.count(" WIB — ") <= PAGE, shown
        finally:
            await app.close()
    print(f"/calendar with {items} items of this community and {others} of another")
    print(f"({listed} pending jobs in all), {runs} runs:")
    print(f"  first page ({PAGE} items): {summary(first)}")
    print(f"  last page (page {last_page}, every item described): {summary(last)}")
    met = statistics.median(first) <= TARGET_MS
    print(f"  target ≤ {TARGET_MS:.0f} ms for /calendar: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--others", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.items, args.others, args.runs)))
