"""/series: a moderator switches a series on once and it posts by itself, once per occurrence,
across restarts, to the community's homes; off stops it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import run_jobs
from tests.cogs.series.conftest import seeded_features
from tests.conftest import Chat, write_config

HOUR = 3600
DAY = 24 * HOUR
# The fake clock starts on Monday 5 January 2026, 10.00 WIB (03.00 UTC).
TO_NEXT_MONDAY_8 = 6 * DAY + 22 * HOUR  # Monday 12 January, 08.00 WIB


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The bundled sample catalog, so there are books to recommend."""
    return load_config(write_config(tmp_path, sample=True), env={})


def picks(posted: str) -> list[str]:
    """The titles a weekly recommendation listed, in order."""
    return re.findall(r"^\d\. (.+?) — ", posted, re.MULTILINE)


async def test_a_weekly_recommendation_posts_once_at_its_time_and_again_a_week_later(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    answer = await librarian.say("/series on weekly Senin jam 08.00")
    assert "Rekomendasi mingguan aktif: setiap minggu" in answer
    assert "Senin, 12 Januari 2026, 08.00 WIB" in answer
    start = librarian.output.tell()
    await run_jobs(app, clock, TO_NEXT_MONDAY_8 - 60)
    assert librarian.printed_since(start) == ""
    await run_jobs(app, clock, 2 * 60)
    await run_jobs(app, clock, HOUR)
    first = librarian.printed_since(start)
    assert first.count("Rekomendasi minggu ini: Sejarah") == 1
    assert len(picks(first)) == 3
    assert "(ada di rak)" in first

    start = librarian.output.tell()
    await run_jobs(app, clock, 7 * DAY - HOUR)
    second = librarian.printed_since(start)
    assert second.count("Rekomendasi minggu ini: Sastra Indonesia") == 1
    assert len(picks(second)) == 3
    assert not set(picks(first)) & set(picks(second))
    listing = await librarian.say("/seri daftar")
    assert "Senin, 19 Januari 2026, 08.00 WIB" not in listing  # posted already
    assert "Senin, 26 Januari 2026, 08.00 WIB" in listing


async def test_a_restart_before_the_time_still_posts_once(config: Config, clock: FakeClock) -> None:
    first = await App.open(config, clock=clock, features=seeded_features())
    try:
        librarian = Chat(first, user="pustakawan", moderator=True)
        await librarian.say("/seri nyala mingguan Senin jam 08.00")
        await run_jobs(first, clock, TO_NEXT_MONDAY_8 - HOUR)
    finally:
        await first.close()
    again = await App.open(config, clock=clock, features=seeded_features())
    try:
        sari = Chat(again, user="sari")
        start = sari.output.tell()
        await run_jobs(again, clock, 2 * HOUR)
        await run_jobs(again, clock, 2 * HOUR)
        assert sari.printed_since(start).count("Rekomendasi minggu ini:") == 1
    finally:
        await again.close()


async def test_the_book_of_the_day_and_series_off(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "setiap hari; berikutnya: Selasa, 6 Januari 2026, 07.00 WIB" in await librarian.say(
        "/series on daily setiap hari jam 7"
    )
    start = librarian.output.tell()
    await run_jobs(app, clock, DAY)
    posted = librarian.printed_since(start)
    assert posted.count("Buku hari ini:") == 1
    title = posted.split("Buku hari ini: ")[1].split("\n")[0]
    assert title in await librarian.say("/rekomendasi harian")  # the same book all day
    start = librarian.output.tell()
    await run_jobs(app, clock, DAY)
    assert librarian.printed_since(start).count("Buku hari ini:") == 1
    assert "Buku hari ini dimatikan." in await librarian.say("/series off daily")
    start = librarian.output.tell()
    await run_jobs(app, clock, 2 * DAY)
    assert librarian.printed_since(start) == ""
    assert "Buku hari ini tidak aktif." in await librarian.say("/seri mati harian")


async def test_bilingual_posts_come_in_both_languages(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/series bilingual on")
    await librarian.say("/series on daily jam 7")
    start = librarian.output.tell()
    await run_jobs(app, clock, DAY)
    posted = librarian.printed_since(start)
    assert posted.count("Buku hari ini:") == 1
    assert posted.count("Book of the day:") == 1
    assert posted.index("Buku hari ini:") < posted.index("Book of the day:")


async def test_bad_input_is_refused_with_examples(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    unknown = await librarian.say("/series on podcast")
    assert "weekly, daily, arrivals, days, monthly" in unknown
    unreadable = await librarian.say("/series on weekly kapan-kapan saja")
    assert "Saya tidak bisa membaca “kapan-kapan saja” sebagai waktu" in unreadable
    assert "setiap hari jam 7" in unreadable
    past = await librarian.say("/series on daily kemarin jam 7")
    assert "sudah lewat" in past
    assert "tidak aktif" in await librarian.say("/series time weekly Selasa jam 9")
    usual = await librarian.say("/series on weekly setiap Selasa")  # no time: the usual one
    assert "berikutnya: Selasa, 6 Januari 2026, 09.00 WIB" in usual
    assert "sekali sehari" in await librarian.say("/series time weekly RRULE:FREQ=HOURLY")
    member = make_chat(user="budi")
    for line in (
        "/series on weekly",
        "/series list",
        "/seri mati mingguan",
        "/series time daily jam 8",
    ):
        assert "Hanya moderator" in await member.say(line)


async def test_posts_missed_while_the_bot_was_down_follow_the_grace_rule(
    config: Config, clock: FakeClock
) -> None:
    """Down for two days: the missed posts are not sent late (beyond the hour of grace), and the
    series carries on with the next one."""
    first = await App.open(config, clock=clock, features=seeded_features())
    try:
        await Chat(first, user="pustakawan", moderator=True).say("/series on daily jam 7")
    finally:
        await first.close()
    await clock.advance(2 * DAY)  # Wednesday 10.00 WIB: Tuesday's and Wednesday's 07.00 missed
    again = await App.open(config, clock=clock, features=seeded_features())
    try:
        sari = Chat(again, user="sari")
        start = sari.output.tell()
        await run_jobs(again, clock, 60)
        assert sari.printed_since(start) == ""
        await run_jobs(again, clock, DAY)  # Thursday 10.00 WIB
        assert sari.printed_since(start).count("Buku hari ini:") == 1
    finally:
        await again.close()
