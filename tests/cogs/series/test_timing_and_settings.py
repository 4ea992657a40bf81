"""A series' time can be changed and follows the community's timezone; the weekly
recommendation never repeats a book within [series] repeat_weeks, a setting that is checked."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.api.package import FeaturePackage
from bot.api.services import Services
from bot.catalog.records import Record
from bot.catalog.store import Catalog
from bot.config import ConfigError, load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from cogs.recommend.public import Theme, Themes
from cogs.series.commands import SeriesFeature
from tests.cogs.events.test_events import run_jobs
from tests.cogs.series.test_series import DAY, HOUR, TO_NEXT_MONDAY_8, config, picks
from tests.conftest import Chat, write_config

__all__ = ["config"]


async def test_a_new_time_moves_the_next_post(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/series on daily jam 7")
    moved = await librarian.say("/seri waktu harian jam 9")
    assert "Buku hari ini: setiap hari; berikutnya: Selasa, 6 Januari 2026, 09.00 WIB" in moved
    start = librarian.output.tell()
    await run_jobs(app, clock, 22 * HOUR + 60)  # Tuesday 08.01 WIB: not at 07.00 any more
    assert librarian.printed_since(start) == ""
    await run_jobs(app, clock, HOUR)
    assert librarian.printed_since(start).count("Buku hari ini:") == 1
    assert "sudah lewat" in await librarian.say("/series time daily 1 Januari 2026 jam 9")


async def test_a_series_keeps_its_local_time_when_the_timezone_changes(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/series on daily jam 7")
    await librarian.say("/settings timezone WITA")
    assert "Selasa, 6 Januari 2026, 07.00 WITA" in await librarian.say("/series list")
    start = librarian.output.tell()
    await run_jobs(app, clock, 20 * HOUR + 60)  # 07.01 WITA is 06.01 WIB
    assert librarian.printed_since(start).count("Buku hari ini:") == 1


def one_theme() -> Themes:
    return Themes([Theme("puisi", {"id": "Puisi", "en": "Poetry"}, (), ("puisi",))])


def one_theme_features() -> list[FeaturePackage]:
    def series(services: Services) -> SeriesFeature:
        return SeriesFeature(services, random.Random(3), themes=one_theme())

    return [p.with_factory(series) if p.name == "series" else p for p in discover()]


async def test_no_book_comes_back_within_repeat_weeks(tmp_path: Path, clock: FakeClock) -> None:
    config = load_config(write_config(tmp_path, "[series]\nrepeat_weeks = 1\n"), env={})
    app = await App.open(config, clock=clock, features=one_theme_features())
    try:
        await _three_weeks(app, clock)
    finally:
        await app.close()


async def _three_weeks(app: App, clock: FakeClock) -> None:
    await Catalog(app.services.store, clock).upsert(
        Record("test", str(n), f"Kumpulan Puisi {n}", ("Penyair",), ("puisi",)) for n in range(6)
    )
    librarian = Chat(app, user="pustakawan", moderator=True)
    await librarian.say("/series on weekly Senin jam 08.00")
    start = librarian.output.tell()
    await run_jobs(app, clock, TO_NEXT_MONDAY_8 + 60)
    weeks = [picks(librarian.printed_since(start))]
    for _ in range(2):
        start = librarian.output.tell()
        await run_jobs(app, clock, 7 * DAY)
        weeks.append(picks(librarian.printed_since(start)))
    assert [len(week) for week in weeks] == [3, 3, 3]
    assert not set(weeks[0]) & set(weeks[1])  # a week apart: never the same book
    assert set(weeks[2]) == set(weeks[0])  # two weeks later, with six books, they come back
    assert all(re.fullmatch(r"Kumpulan Puisi \d", title) for week in weeks for title in week)


def test_repeat_weeks_is_checked(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "[series]\nrepeat_weeks = -1\n"), env={})
    with pytest.raises(ConfigError, match="series.repeat_weeks"):
        config.declare(p for package in discover() for p in package.sections)
