"""Catalog search on a synthetic 1,000,000-title catalog: Pustaka's search against plain baselines.

    python bench/catalog_search.py [--titles N] [--queries N] [--rebuild]

Builds (once, cached under bench/.cache/) a catalog of N synthetic titles through the real import
path (Catalog.upsert), reporting the build rate; then runs a fixed mix of queries (single words,
two words, author surnames, prefixes, subjects) through bot.catalog.search and, on the same data,
through a raw ``MATCH ? ORDER BY bm25 LIMIT 10`` and a ``LIKE`` scan, printing p50/p95/p99 for each
and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.catalog.records import Copy, CopyStatus, Record  # noqa: E402
from bot.catalog.search import search  # noqa: E402
from bot.catalog.store import Catalog  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import SystemClock  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    "bumi manusia laskar pelangi ronggeng dukuh paruk cantik luka lelaki harimau hujan "
    "senja pulang amba saman larung burung manyar ziarah perahu kertas filosofi kopi "
    "supernova ksatria putri bintang jatuh negeri lima menara ayat cinta sang pemimpi "
    "edensor maryamah karpov rumah kaca jejak langkah anak semua bangsa gadis pantai arus "
    "balik perburuan keluarga gerilya sejarah kota laut angin malam pagi sungai gunung "
    "hutan pulau jalan pasar sekolah guru murid war peace pride prejudice night day river "
    "mountain forest island road market school teacher garden winter summer spring autumn "
    "light dark shadow city kingdom dragon star moon sun ocean secret history journey "
    "return memory silence dream heart stone fire water glass iron silver"
)
SURNAMES = _words(
    "toer hirata tohari anwar kurniawan chudori utami dini mangunwijaya ajidarma damono "
    "rendra ismail rusli moeis alisjahbana pane hamka lubis simatupang wijaya darma kayam "
    "sylado fuadi austen dickens tolstoy dostoevsky hugo orwell woolf hemingway steinbeck "
    "murakami achebe christie doyle tolkien rowling asimov herbert clarke bradbury dahl "
    "lindgren carroll sagan"
)
GIVEN = _words(
    "ahmad budi sari dewi eka ayu putu laksmi okky jane charles leo victor george virginia"
)
SUBJECTS = _words(
    "sastra-indonesia fiksi-sejarah fantasi fiksi-ilmiah romansa misteri puisi cerpen anak "
    "remaja sejarah biografi sains motivasi filsafat agama politik ekonomi psikologi klasik "
    "horor humor perjalanan kuliner lingkungan pendidikan teknologi seni budaya"
)


def synthetic(count: int, seed: int = 7) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for number in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))).title()
        authors = tuple(
            f"{rng.choice(GIVEN).title()} {rng.choice(SURNAMES).title()}"
            for _ in range(rng.choice((1, 1, 1, 2)))
        )
        subjects = tuple(s.replace("-", " ") for s in rng.sample(SUBJECTS, rng.randint(1, 3)))
        copies = tuple(
            Copy(status=CopyStatus.ON_LOAN if rng.random() < 0.3 else CopyStatus.AVAILABLE)
            for _ in range(rng.randint(0, 3))
        )
        records.append(
            Record(
                "bench",
                str(number),
                title,
                authors,
                subjects,
                year=rng.randint(1900, 2025),
                copies=copies,
            )
        )
    return records


def queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    kinds = [
        lambda: rng.choice(WORDS),
        lambda: f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
        lambda: rng.choice(SURNAMES),
        lambda: rng.choice(WORDS)[: rng.randint(2, 4)],
        lambda: rng.choice(SUBJECTS).replace("-", " "),
    ]
    return [kinds[i % len(kinds)]() for i in range(count)]


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    median = statistics.median(ordered) * 1000
    return f"p50 {median:7.2f} ms  p95 {at(0.95):7.2f} ms  p99 {at(0.99):7.2f} ms"


async def build(path: Path, count: int) -> None:
    store = await Store.open(path)
    catalog = Catalog(store, SystemClock())
    records = synthetic(count)
    start = time.perf_counter()
    summary = await catalog.upsert(records)
    took = time.perf_counter() - start
    print(
        f"built {summary.added:,} titles through Catalog.upsert in {took:.1f} s"
        f" ({summary.added / took:,.0f} titles/s)"
    )
    await store.close()


async def measure(path: Path, count: int) -> None:
    store = await Store.open(path)
    catalog = Catalog(store, SystemClock())
    mix = queries(count)
    ours = []
    for text in mix:
        start = time.perf_counter()
        await search(catalog, text, limit=10)
        ours.append(time.perf_counter() - start)
    await store.close()
    print(f"pustaka search       {percentiles(ours)}  ({count} queries)")

    from bot.catalog.search import match_expression

    raw = sqlite3.connect(path)
    bm25, like = [], []
    for text in mix:
        expression = match_expression(text)
        start = time.perf_counter()
        raw.execute(
            "SELECT rowid FROM books_fts WHERE books_fts MATCH ? ORDER BY bm25(books_fts) LIMIT 10",
            (expression,),
        ).fetchall()
        bm25.append(time.perf_counter() - start)
    for text in mix[:100]:
        start = time.perf_counter()
        raw.execute(
            "SELECT id FROM books WHERE title LIKE ? OR authors LIKE ? LIMIT 10",
            (f"%{text}%", f"%{text}%"),
        ).fetchall()
        like.append(time.perf_counter() - start)
    raw.close()
    print(f"baseline bm25 MATCH  {percentiles(bm25)}  ({count} queries)")
    print(f"baseline LIKE scan   {percentiles(like)}  (100 queries)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


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
        asyncio.run(build(path, args.titles))
    asyncio.run(measure(path, args.queries))


if __name__ == "__main__":
    main()
