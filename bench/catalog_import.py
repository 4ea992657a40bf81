"""Catalog imports and the bot's memory with a large catalog, each beside a plain baseline.

    python bench/catalog_import.py [--csv-rows N] [--marc-records N]

1. CSV: N rows (default 1,000,000) in the documented generic CSV layout, imported with
   ``pustaka catalog import``'s code into an empty database, then imported again (all unchanged);
   baselines: reading the file with the csv module alone, and a bare bulk load of the same rows
   (the csv module, one executemany into books and copies in one transaction, then one FTS5
   'rebuild') into the same schema.
2. MARC: N records (default 100,000) of binary MARC21 with Koha 952 holdings, imported the same
   way and again; baseline: pymarc's bare parse of the file.
3. Memory: the real ``pustaka chat`` process answering 20 /book searches on the database from
   step 1; peak resident memory as the kernel reports it.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pymarc  # noqa: E402
from catalog_search import queries, synthetic  # noqa: E402

from bot.catalog.importers.load import import_file  # noqa: E402
from bot.catalog.store import Catalog  # noqa: E402
from bot.storage.folding import fold  # noqa: E402
from bot.storage.store import Store, migrations  # noqa: E402
from bot.time.clock import SystemClock  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["id", "title", "authors", "subjects", "year", "call_number", "copies", "on_loan"]
        )
        for record in synthetic(rows, seed=3):
            copies = len(record.copies)
            out.writerow(
                [
                    record.source_id,
                    record.title,
                    ";".join(record.authors),
                    ";".join(record.subjects),
                    record.year,
                    f"800 {record.source_id}",
                    copies,
                    copies // 2,
                ]
            )


def write_marc(path: Path, count: int) -> None:
    with path.open("wb") as handle:
        for record in synthetic(count, seed=5):
            marc = pymarc.Record(force_utf8=True)
            marc.add_field(pymarc.Field(tag="001", data=f"b{record.source_id}"))
            marc.add_field(
                pymarc.Field(
                    tag="100",
                    indicators=pymarc.Indicators("1", " "),
                    subfields=[pymarc.Subfield("a", record.authors[0])],
                )
            )
            marc.add_field(
                pymarc.Field(
                    tag="245",
                    indicators=pymarc.Indicators("1", "0"),
                    subfields=[pymarc.Subfield("a", record.title)],
                )
            )
            marc.add_field(
                pymarc.Field(
                    tag="264",
                    indicators=pymarc.Indicators(" ", "1"),
                    subfields=[pymarc.Subfield("c", str(record.year))],
                )
            )
            for subject in record.subjects:
                marc.add_field(
                    pymarc.Field(
                        tag="650",
                        indicators=pymarc.Indicators(" ", "0"),
                        subfields=[pymarc.Subfield("a", subject)],
                    )
                )
            for number, _copy in enumerate(record.copies):
                marc.add_field(
                    pymarc.Field(
                        tag="952",
                        indicators=pymarc.Indicators(" ", " "),
                        subfields=[
                            pymarc.Subfield("o", f"800 {record.source_id}"),
                            pymarc.Subfield("p", f"{record.source_id}-{number}"),
                        ],
                    )
                )
            handle.write(marc.as_marc())


async def timed_import(database: Path, path: Path, format: str) -> tuple[float, int, float]:
    """(seconds, books added) of a first import into an empty database, and the seconds of
    importing the same file again."""
    for old in database.parent.glob(database.name + "*"):
        old.unlink()
    store = await Store.open(database)
    catalog = Catalog(store, SystemClock())
    start = time.perf_counter()
    summary, _ = await import_file(catalog, path, format=format)
    took = time.perf_counter() - start
    start = time.perf_counter()
    again, _ = await import_file(catalog, path, format=format)
    took_again = time.perf_counter() - start
    assert (again.added, again.updated, again.unchanged) == (0, 0, summary.added)
    await store.close()
    return took, summary.added, took_again


def bulk_baseline(path: Path) -> float:
    """A bare bulk load of the CSV's rows into the catalog schema: the floor for any importer."""
    database = CACHE / "bulk-baseline.db"
    for old in database.parent.glob(database.name + "*"):
        old.unlink()
    db = sqlite3.connect(database, isolation_level=None)
    db.create_function("fold", 1, fold, deterministic=True)  # the migrations fold the index
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    for migration in migrations():
        db.executescript(migration.sql)
    start = time.perf_counter()
    db.execute("BEGIN")
    books, copies = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        for number, (source_id, title, authors, subjects, year, call, count, _) in enumerate(
            rows, 1
        ):
            books.append((number, source_id, title, authors, subjects, year, int(count)))
            copies += [(number, call)] * int(count)
    db.executemany(
        "INSERT INTO books (id, source, source_id, title, authors, subjects, year, copies,"
        " fingerprint, added_at, updated_at) VALUES (?, 'bulk', ?, ?, ?, ?, ?, ?, '', '', '')",
        books,
    )
    db.executemany(
        "INSERT INTO copies (book_id, call_number, status) VALUES (?, ?, 'available')", copies
    )
    db.execute("INSERT INTO books_fts (books_fts) VALUES ('rebuild')")
    db.execute("COMMIT")
    took = time.perf_counter() - start
    db.close()
    return took


def csv_baseline(path: Path) -> float:
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for _row in csv.reader(handle):
            pass
    return time.perf_counter() - start


def pymarc_baseline(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        for _record in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True):
            pass
    return time.perf_counter() - start


def bot_memory(database: Path) -> float:
    config = CACHE / "memory.toml"
    config.write_text(
        f'[database]\npath = "{database}"\n[catalog]\nsample = false\n'
        "[openlibrary]\nenabled = false\n"
    )
    lines = "".join(f"/book {text}\n" for text in queries(20, seed=5)).encode()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Through a fresh parent, whose only child is the chat: this process's children also
    # include the imports' reading processes.
    measure = (
        "import resource, subprocess, sys;"
        f"subprocess.run([sys.executable, '-m', 'bot', '--config', {str(config)!r}, 'chat'],"
        " stdin=sys.stdin, capture_output=True, check=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure], input=lines, capture_output=True, check=True, env=env
    )
    return int(done.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--marc-records", type=int, default=100_000)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)

    csv_path = CACHE / f"import-{args.csv_rows}.csv"
    if not csv_path.exists():
        write_csv(csv_path, args.csv_rows)
    print(
        f"machine      {os.cpu_count()} cores, {platform.processor() or platform.machine()},"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version};"
        f" load average before {os.getloadavg()[0]:.2f}"
    )
    database = CACHE / "import-csv.db"
    took, added, again = asyncio.run(timed_import(database, csv_path, "csv"))
    plain = csv_baseline(csv_path)
    bulk = bulk_baseline(csv_path)
    print(
        f"CSV import   {added:,} rows in {took:6.1f} s ({added / took:,.0f}/s);"
        f" again (unchanged) {again:5.1f} s; csv module alone {plain:5.1f} s;"
        f" bare bulk load + FTS rebuild {bulk:5.1f} s; ratio {took / bulk:.2f}x"
    )

    marc_path = CACHE / f"import-{args.marc_records}.mrc"
    if not marc_path.exists():
        write_marc(marc_path, args.marc_records)
    took_marc, added_marc, again_marc = asyncio.run(
        timed_import(CACHE / "import-marc.db", marc_path, "marc")
    )
    bare = pymarc_baseline(marc_path)
    print(
        f"MARC import  {added_marc:,} records in {took_marc:6.1f} s;"
        f" again (unchanged) {again_marc:5.1f} s;"
        f" pymarc bare parse {bare:5.1f} s; ratio {took_marc / bare:.2f}x"
        f" (again {again_marc / bare:.2f}x)"
    )

    print(
        f"bot memory   pustaka chat, {added:,} titles, 20 searches:"
        f" peak {bot_memory(database):.0f} MB resident"
    )


if __name__ == "__main__":
    main()
