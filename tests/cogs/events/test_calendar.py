"""Events as .ics: `/event ics` and `pustaka calendar export`, read back with icalendar."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from bot.config import Config
from bot.process import cli
from bot.process.app import App
from bot.time.recurrence import Recurrence
from cogs.events.calendar import export_calendar
from tests.conftest import Chat

WITA = ZoneInfo("Asia/Makassar")


async def ics(chat: Chat, line: str) -> Calendar:
    [reply] = await chat.adapter.say(line)
    assert reply.attachment is not None
    name, content = reply.attachment
    assert name.endswith(".ics")
    return Calendar.from_ical(content)


def occurrences(entry, count: int) -> list[datetime]:  # noqa: ANN001
    """What a calendar app shows: the entry's RRULE from its DTSTART, minus its EXDATEs."""
    start = entry.decoded("dtstart")
    rule = rrulestr(entry["rrule"].to_ical().decode(), dtstart=start)
    skipped = set()
    exdates = entry.get("exdate", [])
    for exdate in exdates if isinstance(exdates, list) else [exdates]:
        skipped |= {item.dt for item in exdate.dts}
    return [o.astimezone(UTC) for o in islice((o for o in rule if o not in skipped), count)]


async def test_one_off_event_file_has_the_same_instant(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00" "Aula" 30 Bersama penulis')
    await librarian.say("/event confirm 1")
    printed = await make_chat(user="sari").say("/event ics 1")
    assert "Bedah Buku: buka berkas ini untuk menambahkannya ke kalender Anda." in printed
    assert "Berkas pustaka-event-1.ics (" in printed
    [entry] = (await ics(librarian, "/event ics 1")).walk("VEVENT")
    assert entry.decoded("dtstart") == datetime(2026, 1, 6, 12, 0, tzinfo=UTC)
    assert str(entry["summary"]) == "Bedah Buku"
    assert str(entry["location"]) == "Aula"
    assert str(entry["description"]) == "Bersama penulis"


async def test_series_file_repeats_in_local_time_without_cancelled_dates(
    make_chat: Callable[..., Chat],
) -> None:
    """In WITA, every Saturday 10.00 with the 17th cancelled: the same instants come back."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/settings timezone WITA")
    await librarian.say('/event create "Klub Baca" "setiap Sabtu 10.00 sampai 31 Januari"')
    await librarian.say("/event confirm 1")
    await librarian.say("/event cancel 1 2026-01-17")
    calendar = await ics(librarian, "/event ics 1")
    [entry] = calendar.walk("VEVENT")
    assert "TZID=Asia/Makassar" in entry.to_ical().decode()
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert "UNTIL=20260131T155959Z" in entry.to_ical().decode()
    expected = [
        datetime(2026, 1, day, 2, 0, tzinfo=UTC)  # 10.00 WITA
        for day in (10, 24, 31)
    ]
    assert occurrences(entry, 10) == expected
    series = Recurrence("FREQ=WEEKLY;BYDAY=SA", datetime(2026, 1, 10, 10, 0))
    ours = [o.starts_at for o in islice(series.after(datetime(2026, 1, 5, tzinfo=UTC), WITA), 4)]
    assert [ours[0], ours[2], ours[3]] == expected


async def test_calendar_export_writes_every_upcoming_event(
    app: App, make_chat: Callable[..., Chat], config: Config, tmp_path: Path
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    await librarian.say('/event create "Klub Baca" "setiap Sabtu 10.00"')
    await librarian.say("/event confirm 2")
    await librarian.say('/event create "Draf" "lusa jam 10.00"')  # never saved
    await librarian.say('/event create "Batal" "lusa jam 11.00"')
    await librarian.say("/event confirm 4")
    await librarian.say("/event cancel 4")
    target = tmp_path / "acara.ics"
    store = app.services.store
    assert await export_calendar(store, config, target, datetime(2026, 1, 5, 3, tzinfo=UTC)) == 2
    entries = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in entries) == ["Bedah Buku", "Klub Baca"]
    # A week later the one-off event is over; the series goes on.
    assert await export_calendar(store, config, target, datetime(2026, 1, 12, tzinfo=UTC)) == 1


async def test_calendar_export_command(
    app: App, make_chat: Callable[..., Chat], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Klub Baca" "setiap Sabtu 10.00"')
    await librarian.say("/event confirm 1")
    target = tmp_path / "semua.ics"
    arguments = ["--config", str(tmp_path / "config.toml"), "calendar", "export", str(target)]
    status = await asyncio.to_thread(cli.main, arguments)
    assert status == 0
    assert "1 upcoming event" in capsys.readouterr().out
    [entry] = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(entry["summary"]) == "Klub Baca"
