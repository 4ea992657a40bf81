"""The new-arrivals digest after a librarian's `pustaka catalog import` in another process, and
the reading days on their dates."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.series.reading_days import ReadingDaysError, load_reading_days
from tests.cogs.events.test_events import run_jobs
from tests.conftest import Chat

ROOT = Path(__file__).parents[3]
HOUR = 3600
HEADER = (
    '"title";"gmd_name";"edition";"isbn_issn";"publisher_name";"publish_year";"collation";'
    '"series_title";"call_number";"language_name";"place_name";"classification";"notes";"image";'
    '"sor";"authors";"topics";"item_code";\n'
)
ROW = (
    '"{title}";"Text";"";"";"Penerbit";"2024";"";"";"899.221 X";"Indonesia";"Jakarta";"899.221";'
    '"";"{image}";"";"<{author}>";"<Sastra Indonesia>";"<{code}>"\n'
)


def write_slims(path: Path, books: list[tuple[str, str, str]]) -> Path:
    rows = [
        ROW.format(title=title, author=author, image=image, code=f"B{n:04}")
        for n, (title, author, image) in enumerate(books, 1)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


async def pustaka(directory: Path, *args: str) -> str:
    """The `pustaka` command a librarian runs beside the bot, on the bot's database."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for variable in ("PUSTAKA_CONFIG", "PUSTAKA_DISCORD_TOKEN", "PUSTAKA_TELEGRAM_TOKEN"):
        env.pop(variable, None)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "--config", str(directory / "config.toml"), *args],
        cwd=directory,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_the_digest_lists_what_an_import_added_and_nothing_when_nothing_is_new(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat], tmp_path: Path
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    answer = await librarian.say("/series on arrivals")
    assert "setelah setiap impor katalog (diperiksa setiap 60 menit)" in answer
    start = librarian.output.tell()
    await run_jobs(app, clock, 2 * HOUR)
    assert librarian.printed_since(start) == ""  # nothing imported yet

    export = write_slims(
        tmp_path / "baru.csv",
        [
            ("Gadis Kretek", "Ratih Kumala", "https://example.org/sampul/gadis-kretek.jpg"),
            ("Orang-Orang Biasa", "Andrea Hirata", ""),
        ],
    )
    assert "added" in await pustaka(tmp_path, "catalog", "import", str(export))
    await run_jobs(app, clock, HOUR)
    digest = librarian.printed_since(start)
    assert digest.count("Baru di perpustakaan: 2 buku") == 1
    assert "Gadis Kretek — Ratih Kumala" in digest
    assert "Orang-Orang Biasa — Andrea Hirata" in digest
    assert "https://example.org/sampul/gadis-kretek.jpg" in digest  # the cover

    start = librarian.output.tell()
    await pustaka(tmp_path, "catalog", "import", str(export))  # the same file: nothing new
    for _ in range(3):
        await run_jobs(app, clock, HOUR)
    assert librarian.printed_since(start) == ""

    # weekly instead: what the next import adds waits for Friday 16.00
    weekly = await librarian.say("/series time arrivals Jumat jam 16.00")
    assert "setiap minggu; berikutnya: Jumat, 9 Januari 2026, 16.00 WIB" in weekly
    more = write_slims(tmp_path / "lagi.csv", [("Cantik Itu Luka", "Eka Kurniawan", "")])
    await pustaka(tmp_path, "catalog", "import", str(more), "--partial")  # new books only
    start = librarian.output.tell()
    await run_jobs(app, clock, 3 * HOUR)
    assert librarian.printed_since(start) == ""
    await run_jobs(app, clock, 4 * 24 * HOUR)  # Friday 9 January, 16.00 WIB has passed
    digest = librarian.printed_since(start)
    assert digest.count("Baru di perpustakaan: 1 buku") == 1
    assert "Cantik Itu Luka — Eka Kurniawan" in digest
    assert "Gadis Kretek" not in digest


async def test_reading_days_post_on_their_dates(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    await clock.advance((datetime(2026, 5, 16, 3, tzinfo=UTC) - clock.now()).total_seconds())
    librarian = make_chat(user="pustakawan", moderator=True)
    answer = await librarian.say("/series on days jam 9")
    assert "pada setiap hari baca pukul 09.00 WIB" in answer
    assert "Minggu, 17 Mei 2026, 09.00 WIB" in answer
    start = librarian.output.tell()
    await run_jobs(app, clock, 23 * HOUR)  # 17 May, 10.00 WIB
    posted = librarian.printed_since(start)
    assert posted.count("Selamat Hari Buku Nasional!") == 1
    assert posted.startswith("Hari Buku Nasional\n")  # the title

    start = librarian.output.tell()
    await run_jobs(app, clock, (datetime(2026, 9, 8, 3, tzinfo=UTC) - clock.now()).total_seconds())
    assert librarian.printed_since(start).count("8 September, adalah Hari Aksara") == 1
    await run_jobs(app, clock, 6 * 24 * HOUR)  # 14 September, 10.00 WIB
    posted = librarian.printed_since(start)
    assert posted.count("Selamat Hari Kunjung Perpustakaan!") == 1
    assert posted.count("8 September, adalah Hari Aksara") == 1


def test_the_bundled_reading_days_load() -> None:
    days = load_reading_days()
    dated = {(day.month, day.day): day.key for day in days.all}
    assert dated[(5, 17)] == "hari-buku-nasional"
    assert dated[(9, 14)] == "hari-kunjung-perpustakaan"
    assert dated[(9, 8)] == "hari-aksara-internasional"
    assert all(day.texts["id"] and day.texts["en"] for day in days.all)


def test_a_broken_reading_days_file_names_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "reading_days.toml"
    path.write_text(
        '[[day]]\nkey = "Hari Buku"\nmonth = 2\nday = 30\nid.title = "X"\n'
        '[[day]]\nkey = "kabisat"\nmonth = 2\nday = 29\nid.title = "X"\nid.text = "Y"\n'
        'en.title = "X"\nen.text = "Y"\n',
        encoding="utf-8",
    )
    with pytest.raises(ReadingDaysError) as raised:
        load_reading_days(path)
    problems = "\n".join(raised.value.problems)
    assert "key must be lower-case words joined by hyphens" in problems
    assert "month 2 has no day 30" in problems
    assert "id.text must be a non-empty string" in problems
    assert "[day.en] with title and text is missing" in problems
    assert "29 February is not in every year" in problems
