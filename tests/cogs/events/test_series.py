"""Recurring events in the console: echo, RSVP and reminders per occurrence, cancelling one
date or the whole series, and a timezone change that keeps the local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import held_elsewhere, run_jobs
from tests.conftest import Chat

# The fake clock starts on Monday 5 January 2026, 03:00 UTC (10:00 WIB).


async def until(app: App, clock: FakeClock, moment: datetime) -> None:
    await run_jobs(app, clock, (moment - clock.now()).total_seconds())


async def weekly_club(make_chat: Callable[..., Chat]) -> Chat:
    librarian = make_chat(user="pustakawan", moderator=True)
    draft = await librarian.say('/event create "Klub Baca" "setiap Sabtu 10.00" "Ruang Baca"')
    assert "Klub Baca setiap Sabtu pukul 10.00 WIB, pertama kali Sabtu, 10 Januari 2026" in draft
    saved = await librarian.say("/event confirm 1")
    assert "Berulang\nsetiap Sabtu pukul 10.00 WIB" in saved
    assert "Hadir  → /event rsvp 1 going 2026-01-10" in saved
    return librarian


async def test_rsvp_and_reminders_per_occurrence(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """Going to one Saturday brings that Saturday's reminder only."""
    await weekly_club(make_chat)
    room = await held_elsewhere(app, 1)  # the console then shows the private reminders only
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    assert "Klub Baca (Sabtu, 10 Januari 2026)" in await sari.say("/event rsvp 1 going")
    assert "Klub Baca (Sabtu, 17 Januari 2026)" in await budi.say("/event rsvp 1 going 2026-01-17")
    listing = await budi.say("/event list")
    assert "#1 Klub Baca — Sabtu, 10 Januari 2026, 10.00 WIB" in listing
    assert "setiap Sabtu pukul 10.00 WIB" in listing
    assert "1 hadir, 0 mungkin" in listing

    start = budi.output.tell()
    await until(app, clock, datetime(2026, 1, 10, 2, 30, tzinfo=UTC))  # 24 h and 1 h before
    first = budi.printed_since(start)
    assert first.count("Pengingat: Klub Baca dimulai Sabtu, 10 Januari 2026") == 2  # sari's
    assert "17 Januari" not in first
    assert sum("Sabtu, 10 Januari 2026" in text for text in room.posted) == 2

    start = budi.output.tell()
    await until(app, clock, datetime(2026, 1, 16, 3, 0, tzinfo=UTC))
    second = budi.printed_since(start)
    assert second.count("Pengingat: Klub Baca dimulai Sabtu, 17 Januari 2026") == 1  # budi's 24 h
    assert "10 Januari" not in second
    assert sum("Sabtu, 17 Januari 2026" in text for text in room.posted) == 1
    assert "Sabtu, 17 Januari 2026, 10.00 WIB" in await budi.say("/event list")


async def test_cancel_one_date_tells_those_going(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """A cancelled Saturday tells its members, sends no reminder, and the series goes on."""
    librarian = await weekly_club(make_chat)
    sari = make_chat(user="sari")
    await sari.say("/event rsvp 1 going 2026-01-17")
    start = sari.output.tell()
    answer = await librarian.say("/event cancel 1 2026-01-17")
    assert "Klub Baca pada Sabtu, 17 Januari 2026, 10.00 WIB dibatalkan" in answer
    assert "Pertemuan berikutnya pada Sabtu, 10 Januari 2026" in answer
    told = sari.printed_since(start)
    assert "Klub Baca pada Sabtu, 17 Januari 2026, 10.00 WIB dibatalkan." in told

    assert "sudah dibatalkan" in await librarian.say("/event cancel 1 2026-01-17")
    assert "tidak punya pertemuan pada Selasa, 13 Januari 2026" in await librarian.say(
        "/event cancel 1 2026-01-13"
    )
    assert "sudah dibatalkan" in await sari.say("/event rsvp 1 going 2026-01-17")
    assert "tidak bisa membaca “kapan” sebagai tanggal" in await librarian.say(
        "/event cancel 1 kapan"
    )

    start = sari.output.tell()
    await until(app, clock, datetime(2026, 1, 17, 4, 0, tzinfo=UTC))
    assert "17 Januari" not in sari.printed_since(start)
    assert "Sabtu, 24 Januari 2026, 10.00 WIB" in await sari.say("/event list")


async def test_cancel_series_tells_everyone_going_and_stops(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    librarian = await weekly_club(make_chat)
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    await sari.say("/event rsvp 1 going")
    await budi.say("/event rsvp 1 going 2026-01-24")
    start = budi.output.tell()
    assert "dibatalkan" in await librarian.say("/event cancel 1")
    told = budi.printed_since(start)
    assert told.count("Klub Baca dibatalkan: tidak ada lagi pertemuan mulai") == 2
    await until(app, clock, datetime(2026, 2, 1, tzinfo=UTC))
    assert "Pengingat" not in budi.printed_since(start)
    assert "Belum ada acara" in await budi.say("/event list")


async def test_timezone_change_keeps_the_local_time(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """After /settings timezone WITA the club still meets at 10.00, now WITA: an hour earlier
    in UTC, and its reminders move with it."""
    librarian = await weekly_club(make_chat)
    sari = make_chat(user="sari")
    await sari.say("/event rsvp 1 going")
    await librarian.say("/settings timezone WITA")
    assert "Sabtu, 10 Januari 2026, 10.00 WITA" in await sari.say("/event list")
    start = sari.output.tell()
    await until(app, clock, datetime(2026, 1, 9, 2, 0, tzinfo=UTC))  # 24 h before 10.00 WITA
    assert sari.printed_since(start).count("10 Januari 2026, 10.00 WITA") == 1
    start = sari.output.tell()
    await until(app, clock, datetime(2026, 1, 9, 3, 30, tzinfo=UTC))  # the old WIB time
    assert "Pengingat" not in sari.printed_since(start)


async def test_one_off_event_keeps_its_moment_after_a_timezone_change(
    make_chat: Callable[..., Chat],
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    await librarian.say("/settings timezone WITA")
    assert "Selasa, 6 Januari 2026, 20.00 WITA" in await librarian.say("/event list")


async def test_bad_series_get_clear_messages(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    unreadable = await librarian.say('/event create "Klub" "setiap kapan-kapan"')
    assert "tidak bisa membaca “setiap kapan-kapan” sebagai jadwal berulang" in unreadable
    garbage = await librarian.say('/event create "Klub" "RRULE:FREQ=WEEKLY;BYDAY=XX besok"')
    assert "tidak bisa membaca RRULE" in garbage
    no_time = await librarian.say('/event create "Klub" "setiap Sabtu"')
    assert "Jam berapa?" in no_time
    hourly = await librarian.say('/event create "Klub" "RRULE:FREQ=HOURLY besok"')
    assert "paling sering berulang sekali sehari" in hourly
    rule = await librarian.say(
        '/event create "Klub" "RRULE:FREQ=MONTHLY;BYDAY=1SA 2026-12-05 10:00"'
    )
    assert "setiap Sabtu pertama tiap bulan pukul 10.00 WIB" in rule
    assert "pertama kali Sabtu, 5 Desember 2026" in rule
    english = make_chat(user="tom", moderator=True, locale="en")
    echoed = await english.say('/event create "Book Club" "every Friday 7pm"')
    assert "every Friday at 7:00 PM WIB, first on Friday, January 9, 2026" in echoed
