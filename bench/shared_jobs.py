"""Pending jobs shared by three processes on one PostgreSQL database (issue 19).

    python bench/shared_jobs.py [--jobs 1000000] [--window 120] [--processes 3]

Starts a throwaway PostgreSQL server (tests/postgres.py), writes N pending jobs straight into
the jobs table (one INSERT … SELECT generate_series, so the setup is not the figure) due evenly
over WINDOW seconds starting a little after the workers are up, then starts PROCESSES worker
processes, each running the real :class:`bot.storage.scheduler.Scheduler` on its own store (its
own owner number and advisory lock, as `pustaka run` has) with the real clock. Each worker's
handler notes the job's id and its lateness (the moment the handler runs minus the job's due
time). When no job is pending or running any more, the workers are stopped and their notes
merged: lateness p50/p99/worst over all jobs, and how many times each job ran (exactly once is
the target: none missing, none twice). Rates: the arrival rate N/WINDOW, and how fast the
processes kept up. Figures are recorded in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage.scheduler import Job, Scheduler  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import SystemClock  # noqa: E402
from tests.postgres import binaries, server  # noqa: E402

KIND = "bench-shared"


# The worker ---------------------------------------------------------------------------------


async def work(url: str, notes: Path) -> None:
    """Run the scheduler until SIGTERM; then write (id, lateness in µs) of each job run."""
    store = await Store.open(url)
    ids, late = array("q"), array("q")

    async def handle(job: Job) -> None:
        ids.append(job.id)
        late.append(round((time.time() - job.due_at.timestamp()) * 1_000_000))

    scheduler = Scheduler(store, SystemClock())
    scheduler.handle(KIND, handle)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    running = asyncio.create_task(scheduler.run())
    print("ready", flush=True)
    await stop.wait()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await store.close()
    with notes.open("wb") as out:
        array("q", [len(ids)]).tofile(out)
        ids.tofile(out)
        late.tofile(out)


def read_notes(path: Path) -> tuple[array[int], array[int]]:
    with path.open("rb") as source:
        count = array("q")
        count.fromfile(source, 1)
        ids, late = array("q"), array("q")
        ids.fromfile(source, count[0])
        late.fromfile(source, count[0])
    return ids, late


# The run ------------------------------------------------------------------------------------


async def fill(url: str, jobs: int, first_due: datetime, window: float) -> float:
    """N pending jobs due evenly from `first_due` over `window` seconds; seconds it took."""
    store = await Store.open(url)  # migrates the core tables
    began = time.perf_counter()
    step_us = window * 1_000_000 / jobs
    await store.execute(
        "INSERT INTO jobs (kind, key, payload, due_at)"
        " SELECT ?, 'shared-' || g, '{}',"
        " to_char((?::text::timestamptz + make_interval(secs => g * ?::float8 / 1000000.0))"
        " AT TIME ZONE 'UTC',"
        ' \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')'
        " FROM generate_series(0, ?::int - 1) AS g",
        (KIND, first_due.isoformat(), step_us, jobs),
    )
    await store.execute("ANALYZE jobs")
    took = time.perf_counter() - began
    await store.close()
    return took


async def count(url: str, sql: str) -> int:
    store = await Store.open(url, migrate=False)
    try:
        return int(await store.fetchval(sql) or 0)
    finally:
        await store.close()


def quantile(sorted_values: list[int], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))] / 1000


def run(args: argparse.Namespace, url: str, folder: Path) -> bool:
    lead = max(8.0, args.processes * 3.0)  # seconds for the workers to start
    # Due times start after the fill (9,000-15,000 rows a second here) and the workers' start.
    first_due = datetime.now(UTC) + timedelta(seconds=lead + 5 + args.jobs / 5_000)
    took = asyncio.run(fill(url, args.jobs, first_due, args.window))
    early = (first_due - datetime.now(UTC)).total_seconds() - lead
    if early < 0:
        print(f"  the fill took {took:.1f} s, {-early:.1f} s more than foreseen")
    time.sleep(max(0.0, early))
    load = os.getloadavg()
    print(
        f"{args.jobs} pending jobs written in {took:.1f} s, due evenly over {args.window:g} s"
        f" ({args.jobs / args.window:,.0f} jobs/s arriving); {args.processes} processes;"
        f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = []
    for n in range(args.processes):
        notes = folder / f"worker-{n}.notes"
        process = subprocess.Popen(
            [sys.executable, __file__, "--worker", url, str(notes)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        workers.append((process, notes))
    try:
        for process, _ in workers:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError("a worker did not start")
        if datetime.now(UTC) > first_due:
            print("  the workers started after the first job was due: lateness includes that")
        end = first_due + timedelta(seconds=args.window)
        time.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds()))
        left_sql = (
            "SELECT count(*) FROM"
            " (SELECT 1 FROM jobs WHERE state IN ('pending', 'running') LIMIT 1) AS t"
        )
        while asyncio.run(count(url, left_sql)):
            time.sleep(0.5)
        finished = datetime.now(UTC)
        load = os.getloadavg()
    finally:
        for process, _ in workers:
            process.send_signal(signal.SIGTERM)
        for process, _ in workers:
            process.wait(timeout=120)
    done = asyncio.run(
        count(url, f"SELECT count(*) FROM jobs WHERE kind = '{KIND}' AND state = 'done'")
    )
    ids, late = array("q"), array("q")
    per_worker = []
    for _, notes in workers:
        worker_ids, worker_late = read_notes(notes)
        per_worker.append(len(worker_ids))
        ids.extend(worker_ids)
        late.extend(worker_late)
    distinct = len(set(ids))
    twice = len(ids) - distinct
    ordered = sorted(late)
    print(
        f"  ran {len(ids)} handler calls for {distinct} distinct jobs of {args.jobs}"
        f" ({twice} ran more than once, {args.jobs - distinct} never); marked done {done};"
        f" per process {', '.join(str(n) for n in per_worker)}"
    )
    print(
        f"  lateness (handler start - due): p50 {quantile(ordered, 0.5):.1f} ms,"
        f" p99 {quantile(ordered, 0.99):.1f} ms, worst {ordered[-1] / 1000:.1f} ms,"
        f" mean {statistics.fmean(ordered) / 1000:.1f} ms (target p99 ≤ 50 ms);"
        f" last job done {(finished - end).total_seconds():.1f} s after the last due time;"
        f" load average after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    return twice == 0 and distinct == args.jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--window", type=float, default=120.0, help="seconds the due times span")
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("URL", "NOTES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(work(args.worker[0], Path(args.worker[1])))
        return
    if binaries() is None:
        print("bench/shared_jobs.py: no PostgreSQL binaries (initdb, pg_ctl): skipped")
        return
    with tempfile.TemporaryDirectory() as folder, server() as url:
        ok = run(args, url, Path(folder))
    print(f"shared jobs: {'each job exactly once' if ok else 'MISMATCH'}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
