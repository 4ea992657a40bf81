"""Catalog search on SQLite and on PostgreSQL, the same 1,000,000 titles, in one run (issue 19).

    python bench/search_engines.py [--titles N] [--queries N] [--rebuild]

Each engine's catalog is built once through the real import path (`Catalog.upsert` of
bench/catalog_search.py's synthetic titles) and cached under bench/.cache/: SQLite's is the file
that bench/catalog_search.py builds and uses too (``catalog-N.db``), PostgreSQL's a data folder
(``postgres-N/``) served by a throwaway server from the system's binaries (tests/postgres.py,
shared_buffers 512MB),
vacuumed and analysed after the import as autovacuum would do shortly after it. Then the same
query mix (single words, two words, author surnames, prefixes, subjects) through
`bot.catalog.search` on both engines, query by query, the engine that goes first alternating, so
that a load on the shared machine hits both alike; then the typo path: the mix with one edit in
a word, the queries that find nothing exactly, through `search_forgiving`. Prints p50/p95/p99 per
engine and how many queries found the same ten books in the same order on both.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.catalog_search import CACHE, build, misspelt, queries, synthetic  # noqa: E402
from bot.catalog.search import Results, search, search_forgiving  # noqa: E402
from bot.catalog.store import Catalog  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import SystemClock  # noqa: E402
from tests.postgres import binaries, server  # noqa: E402

DATABASE = "pustaka_bench"
SHARED_BUFFERS = "512MB"  # the tests' server has 64MB; a server for a 1M-title catalog has more


def ms(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def line(name: str, times: list[float], note: str) -> str:
    return (
        f"{name:<28} p50 {statistics.median(times) * 1000:7.2f} ms  p95 {ms(times, 0.95):7.2f} ms"
        f"  p99 {ms(times, 0.99):7.2f} ms  ({note})"
    )


async def postgres_catalog(server_url: str, titles: int, rebuild: bool) -> str:
    """The URL of the bench database holding `titles` synthetic titles, imported if needed."""
    url = server_url.rsplit("/", 1)[0] + "/" + DATABASE
    admin = await asyncpg.connect(server_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
        if exists and not rebuild:
            conn = await asyncpg.connect(url)
            try:
                have = await conn.fetchval("SELECT count(*) FROM books WHERE source = 'bench'")
            except asyncpg.UndefinedTableError:
                have = 0
            finally:
                await conn.close()
            if have == titles:
                return url
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    store = await Store.open(url)
    started = time.perf_counter()
    summary = await Catalog(store, SystemClock()).upsert(synthetic(titles))
    took = time.perf_counter() - started
    await store.close()
    print(
        f"PostgreSQL: built {summary.added:,} titles through Catalog.upsert in {took:.1f} s"
        f" ({summary.added / took:,.0f} titles/s)"
    )
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return url


def titles_of(results: Results) -> list[str]:
    return [book.record.title for book in results.books]


async def measure(sqlite_path: Path, pg_url: str | None, count: int) -> None:
    engines: dict[str, Catalog] = {}
    stores = [await Store.open(sqlite_path)]
    engines["SQLite"] = Catalog(stores[0], SystemClock())
    if pg_url is not None:
        stores.append(await Store.open(pg_url))
        engines["PostgreSQL"] = Catalog(stores[1], SystemClock())
    names = list(engines)
    mix = queries(count)
    times: dict[str, list[float]] = {name: [] for name in names}
    same = 0
    for number, text in enumerate(mix):
        found = {}
        for name in names if number % 2 else reversed(names):
            began = time.perf_counter()
            found[name] = await search(engines[name], text, limit=10)
            times[name].append(time.perf_counter() - began)
        same += len({tuple(titles_of(r)) for r in found.values()}) == 1
    rng = random.Random(13)
    typos = [typo for text in mix if (typo := misspelt(text, rng)) != text]
    typos = [t for t in typos if not (await search(engines["SQLite"], t, limit=1)).books]
    for catalog in engines.values():
        await search_forgiving(catalog, "sejarh")  # loads the vocabulary
    typo_times: dict[str, list[float]] = {name: [] for name in names}
    same_typos, corrected = 0, 0
    for number, text in enumerate(typos):
        found = {}
        for name in names if number % 2 else reversed(names):
            began = time.perf_counter()
            found[name] = await search_forgiving(engines[name], text, limit=10)
            typo_times[name].append(time.perf_counter() - began)
        same_typos += len({(r.corrected, tuple(titles_of(r))) for r in found.values()}) == 1
        corrected += bool(found["SQLite"].books)
    for store in stores:
        await store.close()
    load = os.getloadavg()
    print(f"{count} queries, {len(typos)} misspelt; load average {load[0]:.2f} {load[1]:.2f}")
    for name in names:
        print(line(f"{name} search", times[name], f"{count} queries"))
    for name in names:
        print(
            line(
                f"{name} typo path",
                typo_times[name],
                f"{len(typos)} misspelt queries finding nothing exactly, {corrected} then found",
            )
        )
    if pg_url is not None:
        print(
            f"same ten books in the same order on both: {same} of {count} queries,"
            f" {same_typos} of {len(typos)} misspelt (with the same correction)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"catalog-{args.titles}.db"
    if args.rebuild or not path.exists():
        for old in CACHE.glob(f"catalog-{args.titles}.db*"):
            old.unlink()
        print("SQLite: ", end="")
        asyncio.run(build(path, args.titles))
    if binaries() is None:
        print("bench/search_engines.py: no PostgreSQL binaries (initdb, pg_ctl): SQLite only")
        asyncio.run(measure(path, None, args.queries))
        return
    with server(data=CACHE / f"postgres-{args.titles}", shared_buffers=SHARED_BUFFERS) as url:
        pg_url = asyncio.run(postgres_catalog(url, args.titles, args.rebuild))
        asyncio.run(measure(path, pg_url, args.queries))


if __name__ == "__main__":
    main()
