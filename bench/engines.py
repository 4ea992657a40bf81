"""The same store on SQLite and on PostgreSQL, side by side in one run (issue 19).

    python bench/engines.py [--titles N] [--queries N] [--jobs N]

Starts a throwaway PostgreSQL server from the system's binaries (tests/postgres.py), then on
each engine: imports N synthetic titles (bench/catalog_search.py's generator) through
Catalog.upsert, runs the same query mix through bot.catalog.search (p50/p95/p99), and lets two
schedulers (two stores on one database, as two processes would) run a burst of due jobs,
checking each ran once. Prints one table; figures are recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.catalog_search import queries, synthetic  # noqa: E402
from bot.catalog.search import search  # noqa: E402
from bot.catalog.store import Catalog  # noqa: E402
from bot.storage.scheduler import Job, Scheduler  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import FakeClock  # noqa: E402
from tests.postgres import binaries, server  # noqa: E402


def ms(times: list[float], share: float) -> float:
    return statistics.quantiles(times, n=100)[int(share * 100) - 1] * 1000


async def engine(name: str, target: Path | str, titles: int, mix: list[str], jobs: int) -> str:
    clock = FakeClock()
    store = await Store.open(target)
    catalog = Catalog(store, clock)
    started = time.perf_counter()
    await catalog.upsert(synthetic(titles))
    imported = titles / (time.perf_counter() - started)
    times = []
    for text in mix:
        began = time.perf_counter()
        await search(catalog, text)
        times.append(time.perf_counter() - began)
    other = await Store.open(target)
    ran: Counter[str] = Counter()
    schedulers = [Scheduler(s, clock) for s in (store, other)]
    for scheduler in schedulers:

        async def handle(job: Job) -> None:
            ran[job.key] += 1

        scheduler.handle("bench", handle)
    for i in range(jobs):
        await schedulers[0].schedule("bench", f"bench-{i}", clock.now())
    began = time.perf_counter()
    await asyncio.gather(*(s.run_due() for s in schedulers))
    rate = jobs / (time.perf_counter() - began)
    twice = sum(1 for n in ran.values() if n > 1)
    await other.close()
    await store.close()
    return (
        f"{name:<11} import {imported:8.0f} titles/s   search p50 {ms(times, 0.5):6.2f} ms"
        f"  p95 {ms(times, 0.95):6.2f} ms  p99 {ms(times, 0.99):6.2f} ms"
        f"   2 schedulers: {rate:6.0f} jobs/s, {len(ran)}/{jobs} ran, {twice} twice"
    )


async def run(titles: int, count: int, jobs: int, url: str, folder: Path) -> None:
    mix = queries(count)
    print(f"{titles} titles, {count} queries, {jobs} due jobs")
    print(await engine("SQLite", folder / "bench.db", titles, mix, jobs))
    print(await engine("PostgreSQL", url, titles, mix, jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2_000)
    args = parser.parse_args()
    if binaries() is None:
        print("bench/engines.py: no PostgreSQL binaries (initdb, pg_ctl): skipped")
        return
    with tempfile.TemporaryDirectory() as folder, server() as url:
        asyncio.run(run(args.titles, args.queries, args.jobs, url, Path(folder)))


if __name__ == "__main__":
    main()
