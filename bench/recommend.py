"""/recommend like and /recommend me on a 1,000,000-title catalog with 100,000 ratings.

    python bench/recommend.py [--titles N] [--members N] [--ratings N] [--runs N]

Uses the synthetic catalog of bench/catalog_search.py (built once, cached under bench/.cache/),
copied to its own file to which N members' ratings and shelves are added (once, cached too):
each member rates about ratings/members books, 70% of them among the 20,000 most popular titles
(a skewed choice, as real tastes are), the rest anywhere; stars lean to 4 and 5, and each member
also has a few books on the shelf.

Measured, each through the real dispatcher as a member types it (member refresh, the command,
the reply, the usage record), with p50/p95/p99:

* `/recommend like #id` for books that have ratings and books that have none;
* `/recommend like <title>` (the title search first, then the same);
* `/recommend me` for members with ratings and shelves;
* `/recommend <theme>`, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalog_search import CACHE, build, percentiles  # noqa: E402

from bot.api.context import Incoming  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.process.app import App  # noqa: E402
from bot.process.features import discover, load  # noqa: E402
from bot.storage.store import Store  # noqa: E402

POPULAR = 20_000  # titles most ratings fall on
NOW = "2026-01-01T00:00:00+00:00"


async def with_feature_tables(path: Path) -> None:
    """The catalog database gets every feature's tables (ratings and shelves are shelf's)."""
    store = await Store.open(path, packages=[package.migrations for package in discover()])
    await store.close()


def add_readers(path: Path, members: int, ratings: int, seed: int = 13) -> None:
    """Members with ratings and shelves, written straight into the bench database."""
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    top = db.execute("SELECT max(id) FROM books").fetchone()[0]
    db.executemany(
        "INSERT INTO members (platform, platform_id, display_name, created_at, last_seen_at)"
        " VALUES ('console', ?, ?, ?, ?)",
        [(f"m{n}", f"m{n}", NOW, NOW) for n in range(members)],
    )
    ids = [row[0] for row in db.execute("SELECT id FROM members WHERE platform_id LIKE 'm%'")]
    per_member = max(1, ratings // members)
    rated, shelved = [], []
    for member in ids:
        books: set[int] = set()
        while len(books) < per_member:
            if rng.random() < 0.7:
                books.add(1 + int(min(POPULAR, top) * rng.random() ** 2))
            else:
                books.add(rng.randint(1, top))
        for book in books:
            stars = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 6, 5))[0]
            rated.append((member, book, stars, "", NOW))
        for _ in range(3):
            shelved.append((member, rng.randint(1, top), rng.choice(("want", "reading")), NOW))
    db.executemany(
        "INSERT OR IGNORE INTO ratings (member_id, book_id, stars, review, rated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        rated,
    )
    db.executemany(
        "INSERT OR IGNORE INTO shelf (member_id, book_id, status, updated_at) VALUES (?, ?, ?, ?)",
        shelved,
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


async def timed(app: App, lines: list[tuple[str, str]]) -> list[float]:
    times = []
    for member, line in lines:
        incoming = Incoming(
            platform="console",
            member_id=member,
            display_name=member,
            channel_id="bench",
            text=line,
            community_id="console",
            direct=True,
        )
        start = time.perf_counter()
        replies = await app.dispatcher.handle_text(incoming)
        times.append(time.perf_counter() - start)
        if not replies or "Sorry" in str(replies[0].text):
            raise SystemExit(f"{line!r} failed: {replies}")
    return times


async def measure(path: Path, runs: int, members: int) -> None:
    config_file = path.with_suffix(".toml")
    config_file.write_text(
        f'[database]\npath = "{path}"\n[catalog]\nsample = false\n'
        '[openlibrary]\nenabled = false\n[bot]\nlocale = "id"\n',
        encoding="utf-8",
    )
    # Only the features measured: the cached database may predate other features' tables.
    app = await App.open(
        load_config(config_file, env={}), features=[load("cogs.recommend"), load("cogs.shelf")]
    )
    try:
        rng = random.Random(5)
        store = app.services.store
        rated_books = [
            row[0]
            for row in await store.fetchall(
                "SELECT DISTINCT book_id FROM ratings WHERE book_id <= ? LIMIT 5000", (POPULAR,)
            )
        ]
        top = int(await store.fetchval("SELECT max(id) FROM books"))
        readers = [f"m{rng.randrange(members)}" for _ in range(runs)]
        like_rated = [(r, f"/recommend like #{rng.choice(rated_books)}") for r in readers]
        like_any = [(r, f"/recommend like #{rng.randint(1, top)}") for r in readers]
        picked = [rng.randint(1, top) for _ in range(runs)]
        marks = ",".join("?" * len(picked))
        titles = [
            row[0]
            for row in await store.fetchall(
                f"SELECT title FROM books WHERE id IN ({marks})", picked
            )
        ]
        like_title = [(r, f"/recommend like {t}") for r, t in zip(readers, titles, strict=False)]
        personal = [(r, "/recommend me") for r in readers]
        themes = ["sejarah", "fantasi", "anak", "romansa", "sains", "misteri", "puisi"]
        theme = [(r, f"/recommend {rng.choice(themes)}") for r in readers]
        await timed(app, like_rated[:20] + personal[:20])  # warm the page cache
        for label, lines in (
            ("/recommend like #id (rated book)", like_rated),
            ("/recommend like #id (any book)  ", like_any),
            ("/recommend like <title>         ", like_title),
            ("/recommend me                   ", personal),
            ("/recommend <theme>              ", theme),
        ):
            print(f"{label}  {percentiles(await timed(app, lines))}  ({len(lines)} commands)")
    finally:
        await app.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    catalog = CACHE / f"catalog-{args.titles}.db"
    if args.rebuild or not catalog.exists():
        for old in CACHE.glob(f"catalog-{args.titles}.db*"):
            old.unlink()
        asyncio.run(build(catalog, args.titles))
    path = CACHE / f"recommend-{args.titles}-{args.members}-{args.ratings}.db"
    if args.rebuild or not path.exists():
        for old in CACHE.glob(f"{path.name}*"):
            old.unlink()
        shutil.copyfile(catalog, path)
        asyncio.run(with_feature_tables(path))
        start = time.perf_counter()
        add_readers(path, args.members, args.ratings)
        took = time.perf_counter() - start
        print(f"added {args.members:,} members and {args.ratings:,} ratings in {took:.1f} s")
    count = sqlite3.connect(path).execute("SELECT count(*) FROM ratings").fetchone()[0]
    print(f"catalog of {args.titles:,} titles, {count:,} ratings from {args.members:,} members")
    asyncio.run(measure(path, args.runs, args.members))


if __name__ == "__main__":
    main()
