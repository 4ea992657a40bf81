"""Keeping the catalog in step with a library system, against the loopback fakes.

    python bench/catalog_sync.py [--records N] [--changed N] [--refreshes N]

1. Fresh import: the first sync of an N-record (default 100,000) OAI-PMH source (oai_dc, pages
   of 1,000) into an empty database.
2. Full reconciliation: every record read again and compared, nothing changed, nothing removed;
   target: at most twice the fresh import of step 1, in the same run.
3. Incremental sync: `--changed` records (default 100) edited since the last sync; target: at
   most 2 s.
4. On-the-spot refresh: /book's reading of one book's copies from a SLiMS (its OPAC detail page)
   when its status is old, against the same page fetched bare with httpx; target: at most 50 ms
   more than the source's own answer (median of `--refreshes`, default 50).

The fakes (tests/fakes) run in a thread of this process, so their time is in every number.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.catalog.store import Catalog  # noqa: E402
from bot.catalog.sync.engine import LiveCatalog, Syncer  # noqa: E402
from bot.catalog.sync.sources import live_source  # noqa: E402
from bot.config import SourceSettings  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import FakeClock  # noqa: E402
from tests.fakes.library_systems import Biblio, FakeSlims, Item  # noqa: E402
from tests.fakes.oai_pmh import FakeOAI, FakeRecord, dc  # noqa: E402

AUTHORS = ("Pramoedya Ananta Toer", "Andrea Hirata", "Leila S. Chudori", "Eka Kurniawan")
WORDS = ("bumi", "manusia", "laskar", "pelangi", "pulang", "cantik", "luka", "hujan", "laut")


def record(number: int, day: str = "2025-11-03", edition: str = "") -> FakeRecord:
    title = " ".join(WORDS[(number >> shift) % len(WORDS)] for shift in (0, 3, 6)) + edition
    return FakeRecord(
        f"oai:bench:{number}",
        day,
        dc(
            f"{title} {number}",
            creators=(AUTHORS[number % len(AUTHORS)],),
            subjects=("Sastra Indonesia",),
            date=str(1950 + number % 70),
            language="ind",
        ),
    )


async def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = await work
    return time.perf_counter() - start, result


async def harvests(records: int, changed: int) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder, FakeOAI(page_size=1000) as oai:
        for number in range(records):
            oai.add(record(number))
        store = await Store.open(Path(folder) / "bench.db")
        catalog = Catalog(store, FakeClock())
        syncer = Syncer(catalog, live_source(SourceSettings(kind="oai", url=oai.url)))
        results["fresh"], report = await timed(syncer.sync(sweep=0))
        assert report.summary.added == records, report.line()
        results["full"], report = await timed(syncer.sync(full=True, sweep=0))
        assert report.summary.unchanged == records, report.line()
        for number in range(0, records, max(1, records // changed))[:changed]:
            oai.add(record(number, day="2026-01-06", edition=" (edisi revisi)"))
        oai.response_date = "2026-01-06T03:00:00Z"
        results["incremental"], report = await timed(syncer.sync(sweep=0))
        assert report.summary.updated == changed, report.line()
        await syncer.aclose()
        await store.close()
    return results


async def refreshes(runs: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder, FakeSlims() as slims:
        items = [Item(f"B{n}", "899.221 TOE b", "Rak Sastra") for n in range(3)]
        slims.add(Biblio(1, "Bumi manusia", items=items))
        store = await Store.open(Path(folder) / "bench.db")
        clock = FakeClock()
        catalog = Catalog(store, clock)
        live = LiveCatalog(catalog, [live_source(SourceSettings(kind="slims", url=slims.base))])
        await next(iter(live.syncers.values())).sync()
        book = await catalog.book(1)
        assert book is not None
        bare: list[float] = []
        fresh: list[float] = []
        page = f"{slims.base}index.php?p=show_detail&id=1"
        async with httpx.AsyncClient() as http:
            for run in range(runs):
                await clock.advance(600)
                start = time.perf_counter()
                (await http.get(page)).raise_for_status()
                bare.append(time.perf_counter() - start)
                start = time.perf_counter()
                book, read_at = await live.fresh(book)
                fresh.append(time.perf_counter() - start)
                assert read_at == clock.now() and book.available == 3, run
        await live.aclose()
        await store.close()
    return statistics.median(bare), statistics.median(fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--refreshes", type=int, default=50)
    args = parser.parse_args()
    print(f"catalog sync on {platform.python_implementation()} {platform.python_version()}")
    times = asyncio.run(harvests(args.records, args.changed))
    ratio = times["full"] / times["fresh"]
    print(f"fresh import of {args.records:,} records:     {times['fresh']:7.2f} s")
    print(
        f"full reconciliation of {args.records:,}:     {times['full']:7.2f} s"
        f"  ({ratio:.2f}× the fresh import; target ≤ 2×) {'OK' if ratio <= 2 else 'OVER'}"
    )
    print(
        f"incremental sync, {args.changed} changed:      {times['incremental']:7.2f} s"
        f"  (target ≤ 2 s) {'OK' if times['incremental'] <= 2 else 'OVER'}"
    )
    bare, fresh = asyncio.run(refreshes(args.refreshes))
    extra = (fresh - bare) * 1000
    print(
        f"on-the-spot refresh of one book: {fresh * 1000:6.1f} ms, the page alone"
        f" {bare * 1000:.1f} ms: +{extra:.1f} ms (target ≤ 50 ms) {'OK' if extra <= 50 else 'OVER'}"
    )


if __name__ == "__main__":
    main()
