"""100,000 pending reminders: the durable scheduler beside APScheduler 3, in the same run.

    python bench/scheduler.py [--pending 100000] [--burst 1000]

Each measurement runs in a fresh Python process, so resident memory (RSS, from /proc) starts from
the same imports and no earlier allocation is reused.

Pustaka: the parent first writes N pending reminder jobs (due over the next 30 days) into a
temporary database, as a bot that is restarted with them finds it. The measured process then
(1) opens the database, recovers and runs ``Scheduler.run`` until its one task first goes to
sleep: that is the start-up time; RSS growth is measured from before the open to that moment, for
an empty database and for the one with N jobs; (2) schedules, through ``Scheduler.schedule``,
``--burst`` reminders due evenly within two seconds, then ``--burst`` more due at one instant, and
the handler records the real time each one runs: lateness is that time minus the due time.

APScheduler 3: ``AsyncIOScheduler`` with its memory job store and date triggers holds the same N
reminders (added, then started: that time is its start-up) and gets the same two bursts; each
job's coroutine records its lateness the same way. ``misfire_grace_time`` is an hour, as Pustaka's
grace, so no late job is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage.scheduler import Job, Scheduler  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import SystemClock, utc_text  # noqa: E402

SPREAD = timedelta(days=30)  # the pending reminders fall due over the next month
LEAD = 2.0  # seconds between scheduling a burst and its first due time
TARGETS = {"growth_mb": 5.0, "start_ms": 50.0, "p99_ms": 20.0}


def rss_mb() -> float:
    """This process's resident memory now, in MiB."""
    gc.collect()
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Lateness:
    """How late each job of a burst ran; done once the whole burst has run."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.expected = 0
        self.complete = asyncio.Event()

    def expect(self, count: int) -> None:
        self.values, self.expected = [], count
        self.complete.clear()

    def record(self, due: datetime) -> None:
        self.values.append((datetime.now(UTC) - due).total_seconds())
        if len(self.values) >= self.expected:
            self.complete.set()

    async def wait(self) -> dict[str, float]:
        await asyncio.wait_for(self.complete.wait(), 120)
        return stats(self.values)


def stats(lateness: list[float]) -> dict[str, float]:
    ordered = sorted(lateness)
    if not ordered:
        return {"count": 0}
    return {
        "count": len(ordered),
        "p50_ms": ordered[len(ordered) // 2] * 1000,
        "p99_ms": ordered[math.ceil(0.99 * len(ordered)) - 1] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def bursts(now: datetime, size: int) -> list[list[datetime]]:
    """Due times: `size` spread evenly over two seconds, then `size` at one instant."""
    spread_start = now + timedelta(seconds=LEAD)
    spread = [spread_start + timedelta(seconds=2 * i / size) for i in range(size)]
    return [spread, [spread_start + timedelta(seconds=2 + LEAD + 1)] * size]


# Pustaka --------------------------------------------------------------------------------------


def fill(path: Path, pending: int) -> float:
    """A database holding `pending` reminder jobs, written directly; returns seconds taken."""
    started = time.perf_counter()

    async def create() -> None:
        store = await Store.open(path)
        await store.close()

    asyncio.run(create())
    now = datetime.now(UTC)
    step = SPREAD / max(pending, 1)
    rows = (
        (
            "event-reminder",
            f"event-{i // 2}::r0:{1440 if i % 2 else 60}",
            json.dumps({"event": i // 2, "occurrence": "", "minutes": 1440 if i % 2 else 60}),
            utc_text(now + timedelta(hours=1) + step * i),
        )
        for i in range(pending)
    )
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO jobs (kind, key, payload, due_at) VALUES (?, ?, ?, ?)", rows)
    return time.perf_counter() - started


class MarkingScheduler(Scheduler):
    """The durable scheduler, noting when its task first goes to sleep (start-up is over)."""

    asleep: asyncio.Event

    async def _sleep_until(self, when: datetime | None) -> None:
        self.asleep.set()
        await super()._sleep_until(when)


async def pustaka(path: Path, burst: int) -> dict[str, Any]:
    before = rss_mb()
    clock = SystemClock()
    lateness = Lateness()

    async def remind(job: Job) -> None:
        lateness.record(job.due_at)

    started = time.perf_counter()
    store = await Store.open(path)
    scheduler = MarkingScheduler(store, clock)
    scheduler.asleep = asyncio.Event()
    scheduler.handle("bench", remind)
    running = asyncio.create_task(scheduler.run())
    await scheduler.asleep.wait()
    start_ms = (time.perf_counter() - started) * 1000
    held = rss_mb()
    result: dict[str, Any] = {"start_ms": start_ms, "growth_mb": held - before}
    try:
        if burst:
            for name, dues in zip(("spread", "instant"), bursts(clock.now(), burst), strict=True):
                lateness.expect(burst)
                for i, due in enumerate(dues):
                    await scheduler.schedule("bench", f"bench-{name}-{i}", due)
                if clock.now() >= dues[0]:
                    result["warning"] = f"{name}: scheduling took longer than the lead time"
                result[name] = await lateness.wait()
            result["after_bursts_mb"] = rss_mb() - before
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await store.close()
    return result


# APScheduler 3 --------------------------------------------------------------------------------


async def apscheduler(pending: int, burst: int) -> dict[str, Any]:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.date import DateTrigger

    lateness = Lateness()

    async def remind(due: datetime) -> None:
        lateness.record(due)

    before = rss_mb()
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={"misfire_grace_time": 3600})
    started = time.perf_counter()
    now = datetime.now(UTC)
    step = SPREAD / max(pending, 1)
    for i in range(pending):
        due = now + timedelta(hours=1) + step * i
        key = f"event-{i // 2}::r0:{1440 if i % 2 else 60}"
        scheduler.add_job(remind, DateTrigger(run_date=due), args=[due], id=key)
    scheduler.start()
    await asyncio.sleep(0)
    start_ms = (time.perf_counter() - started) * 1000
    held = rss_mb()
    result: dict[str, Any] = {"start_ms": start_ms, "growth_mb": held - before}
    try:
        for name, dues in zip(("spread", "instant"), bursts(datetime.now(UTC), burst), strict=True):
            lateness.expect(burst)
            for i, due in enumerate(dues):
                scheduler.add_job(remind, DateTrigger(run_date=due), args=[due], id=f"{name}-{i}")
            result[name] = await lateness.wait()
        result["after_bursts_mb"] = rss_mb() - before
    finally:
        scheduler.shutdown(wait=False)
    return result


# The run --------------------------------------------------------------------------------------


def part(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a fresh process and read its JSON answer."""
    done = subprocess.run(
        [sys.executable, __file__, "--part", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench part {args} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def row(name: str, found: dict[str, Any], burst: int) -> str:
    cells = [name, f"{found['growth_mb']:.2f} MB", f"{found['start_ms']:.1f} ms"]
    for case in ("spread", "instant"):
        measured = found.get(case)
        if not measured:
            cells.append("—")
            continue
        late = f"{measured['p99_ms']:.1f} / {measured['max_ms']:.1f} ms"
        if measured["count"] != burst:
            late += f" ({measured['count']} of {burst} ran)"
        cells.append(late)
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--part", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        kind, *rest = args.part
        if kind == "pustaka":
            found = asyncio.run(pustaka(Path(rest[0]), int(rest[1])))
        else:
            found = asyncio.run(apscheduler(int(rest[0]), int(rest[1])))
        print(json.dumps(found))
        return

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"{args.pending:,} pending, bursts of {args.burst:,}"
    )
    with tempfile.TemporaryDirectory() as folder:
        empty, full = Path(folder) / "empty.db", Path(folder) / "full.db"
        fill(empty, 0)
        filled = fill(full, args.pending)
        print(f"wrote {args.pending:,} pending jobs in {filled:.1f} s (not part of any figure)")
        results = {
            "Pustaka, empty database": part(["pustaka", str(empty), "0"]),
            f"Pustaka, {args.pending:,} pending": part(["pustaka", str(full), str(args.burst)]),
            f"APScheduler 3, {args.pending:,} pending": part(
                ["apscheduler", str(args.pending), str(args.burst)]
            ),
        }
    print()
    print(
        f"| {args.pending:,} pending | RSS growth | start | "
        f"{args.burst:,} within 2 s: p99 / max late | {args.burst:,} at one instant: p99 / max |"
    )
    print("| --- | --- | --- | --- | --- |")
    for name, found in results.items():
        print(row(name, found, args.burst))
    print()
    ours = results[f"Pustaka, {args.pending:,} pending"]
    p99 = max(ours["spread"]["p99_ms"], ours["instant"]["p99_ms"])
    for label, value, target, unit in (
        ("RSS growth", ours["growth_mb"], TARGETS["growth_mb"], "MB"),
        ("start", ours["start_ms"], TARGETS["start_ms"], "ms"),
        ("p99 lateness", p99, TARGETS["p99_ms"], "ms"),
    ):
        verdict = "met" if value <= target else "NOT met"
        print(f"{label}: {value:.2f} {unit} (target ≤ {target:g} {unit}): {verdict}")
    for name, found in results.items():
        if "warning" in found:
            print(f"{name}: {found['warning']}")
        if "after_bursts_mb" in found:
            print(f"{name}: RSS growth after both bursts {found['after_bursts_mb']:.2f} MB")


if __name__ == "__main__":
    main()
