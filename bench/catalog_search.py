"""Catalog search on a synthetic 1,000,000-title catalog: Pustaka's search against plain baselines.

    python bench/catalog_search.py [--titles N] [--queries N] [--rebuild]

Builds (once, cached under bench/.cache/) a catalog of N synthetic titles through the real import
path (Catalog.upsert), reporting the build rate; then runs a fixed mix of queries (single words,
two words, author surnames, prefixes, subjects) through bot.catalog.search and, on the same data,
through a raw ``MATCH ? ORDER BY bm25 LIMIT 10`` and a ``LIKE`` scan, printing p50/p95/p99 for each
and the process's peak resident memory.

Typos (issue 17): the same mix through ``search`` (exact only, as before) and ``search_forgiving``
(what /book runs now) in the same run, and the mix with one edit in a word of five letters or more
(dropped, doubled, swapped or replaced letter) through ``search_forgiving``. Then the two ways of
finding a misspelt word's corrections, on a vocabulary of VOCABULARY generated words (a real
library's titles and authors have a few hundred thousand; the synthetic catalog has a few
hundred): rapidfuzz over the words of about the same length (what Pustaka uses) and an FTS5
trigram index listing the words that share a trigram, then compared by rapidfuzz.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from bot.catalog.search import search, search_forgiving  # noqa: E402
from bot.catalog.store import Catalog  # noqa: E402
from bot.catalog.vocabulary import Words, closest, max_edits  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.time.clock import SystemClock  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
VOCABULARY = 300_000


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


def misspelt(text: str, rng: random.Random) -> str:
    """`text` with one edit in one of its words of five letters or more (if it has one)."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    at = rng.randrange(0, len(word) - 1)
    edit = rng.choice(("drop", "double", "swap", "replace"))
    if edit == "drop":
        word = word[:at] + word[at + 1 :]
    elif edit == "double":
        word = word[:at] + word[at] + word[at:]
    elif edit == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        word = word[:at] + rng.choice("aeiouklmnrst".replace(word[at], "")) + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def generated_words(count: int, seed: int = 5) -> list[str]:
    """Distinct pronounceable words of 3 to 12 letters, the most of 5 to 8, as names run."""
    rng = random.Random(seed)
    onsets = [
        "b",
        "c",
        "d",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "w",
        "y",
        "ng",
        "ny",
        "kh",
        "sy",
        "br",
        "tr",
        "pr",
        "st",
    ]
    vowels = ["a", "i", "u", "e", "o", "a", "i", "a"]
    codas = ["", "", "", "n", "ng", "r", "s", "t", "k", "h", "l", "m"]
    found: set[str] = set()
    while len(found) < count:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.choice((1, 2, 2, 2, 3, 3, 4)))
        )
        if 3 <= len(word) <= 12:
            found.add(word)
    return sorted(found)


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
    ours, forgiving = [], []
    # Before (exact only) and after (what /book runs now), alternately, so load hits both alike.
    for number, text in enumerate(mix):
        pair = [(search, ours), (search_forgiving, forgiving)]
        for run, times in pair if number % 2 else reversed(pair):
            start = time.perf_counter()
            await run(catalog, text, limit=10)
            times.append(time.perf_counter() - start)
    rng = random.Random(13)
    typos = [typo for text in mix if (typo := misspelt(text, rng)) != text]
    typos = [t for t in typos if not (await search(catalog, t, limit=1)).books]
    start = time.perf_counter()
    await search_forgiving(catalog, "sejarh")  # loads the vocabulary
    loading = time.perf_counter() - start
    typo_times, corrected = [], 0
    for text in typos:
        start = time.perf_counter()
        results = await search_forgiving(catalog, text, limit=10)
        typo_times.append(time.perf_counter() - start)
        corrected += bool(results.books)
    words = int(await store.fetchval("SELECT count(*) FROM catalog_words"))
    await store.close()
    print(f"pustaka search       {percentiles(ours)}  ({count} queries)")
    print(
        f"search_forgiving     {percentiles(forgiving)}  (same queries; p50"
        f" {statistics.median(forgiving) / statistics.median(ours):.2f}x, p95"
        f" {sorted(forgiving)[int(0.95 * len(mix))] / sorted(ours)[int(0.95 * len(mix))]:.2f}x"
        " of search)"
    )
    print(
        f"typo path            {percentiles(typo_times)}  ({len(typos)} misspelt queries that"
        f" find nothing exactly, {corrected} found books; {words} catalog words, loaded in"
        f" {loading * 1000:.0f} ms)"
    )

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
    corrections_options(count)
    await upkeep_cost(min(200_000, len(mix) * 200))


async def upkeep_cost(count: int) -> None:
    """A first import of `count` titles with the vocabulary kept and with its upkeep skipped,
    alternately, three times each: what keeping it costs an import."""
    import tempfile
    from collections import Counter
    from unittest import mock

    records = synthetic(count, seed=3)
    times: dict[bool, list[float]] = {True: [], False: []}
    for kept in (True, False) * 3:
        with tempfile.TemporaryDirectory() as folder:
            store = await Store.open(Path(folder) / "upkeep.db")
            skipped = mock.patch.multiple(
                "bot.catalog.store",
                word_counts=lambda rows: Counter(),
                apply_counts=mock.AsyncMock(),
            )
            with contextlib.nullcontext() if kept else skipped:
                start = time.perf_counter()
                await Catalog(store, SystemClock()).upsert(records)
                times[kept].append(time.perf_counter() - start)
            await store.close()
    kept, skipped = min(times[True]), min(times[False])
    print(
        f"import of {count:,} titles: {kept:.2f} s keeping the vocabulary, {skipped:.2f} s"
        f" without ({kept / skipped:.2f}x; best of 3 each)"
    )


def corrections_options(count: int) -> None:
    """Finding one misspelt word's corrections in a large vocabulary, two ways."""
    vocabulary = generated_words(VOCABULARY)
    rng = random.Random(17)
    wanted = [w for w in rng.sample(vocabulary, count * 2) if len(w) >= 5][:count]
    typos = [misspelt(w, rng) for w in wanted]
    words = Words()
    start = time.perf_counter()
    for word in vocabulary:
        words.add(word, 1)
    loaded = time.perf_counter() - start
    ours, hits = [], 0
    for typo, right in zip(typos, wanted, strict=True):
        start = time.perf_counter()
        found = closest(typo, words)
        ours.append(time.perf_counter() - start)
        hits += right in found
    print(
        f"corrections, rapidfuzz, as it starts {percentiles(ours)}  ({len(typos)} words in"
        f" {VOCABULARY:,}; the right word among them {hits} times; held in"
        f" {loaded * 1000:.0f} ms)"
    )
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    everything, hits = [], 0
    by_length: dict[int, list[str]] = {}
    for word in vocabulary:
        by_length.setdefault(len(word), []).append(word)
    for typo, right in zip(typos, wanted, strict=True):
        start = time.perf_counter()
        limit = max_edits(typo)
        found = []
        for length in range(len(typo) - limit, len(typo) + limit + 1):
            found += process.extract(
                typo, by_length.get(length, []), scorer=OSA.distance, score_cutoff=limit, limit=3
            )
        everything.append(time.perf_counter() - start)
        hits += right in [f[0] for f in found]
    print(
        f"corrections, rapidfuzz, any start {percentiles(everything)}  (same words; the right"
        f" word among them {hits} times)"
    )

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE words USING fts5 (word, tokenize = 'trigram')")
    db.executemany("INSERT INTO words VALUES (?)", [(w,) for w in vocabulary])
    trigram, hits = [], 0
    for typo, right in zip(typos, wanted, strict=True):
        start = time.perf_counter()
        grams = {typo[i : i + 3] for i in range(len(typo) - 2)}
        expression = " OR ".join(f'"{g}"' for g in grams)
        candidates = [
            row[0]
            for row in db.execute("SELECT word FROM words WHERE words MATCH ?", (expression,))
        ]
        limit = max_edits(typo)
        found = process.extract(typo, candidates, scorer=OSA.distance, score_cutoff=limit, limit=3)
        trigram.append(time.perf_counter() - start)
        hits += right in [f[0] for f in found]
    db.close()
    print(
        f"corrections, FTS5 trigram + rapidfuzz {percentiles(trigram)}  (same words; the right"
        f" word among them {hits} times)"
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
        asyncio.run(build(path, args.titles))
    asyncio.run(measure(path, args.queries))


if __name__ == "__main__":
    main()
