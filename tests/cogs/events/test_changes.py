"""Moderators change reminder offsets and events; reminders move, members going are told, and
the platform's own calendar entry follows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.api.context import Destination
from bot.api.messenger import CalendarEvent
from bot.api.replies import Reply
from bot.process.app import App
from bot.time.clock import FakeClock, utc_text
from tests.cogs.events.test_events import run_jobs
from tests.conftest import Chat


async def pending_reminders(app: App) -> list[str]:
    rows = await app.services.store.fetchall(
        "SELECT due_at FROM jobs WHERE kind = 'event-reminder' AND state = 'pending'"
        " ORDER BY due_at"
    )
    return [row[0] for row in rows]


class CalendarConsole:
    """The console chat with a calendar, recording what a platform's calendar would get."""

    capabilities = ConsoleAdapter.capabilities

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.created: list[CalendarEvent] = []
        self.updated: list[tuple[str, CalendarEvent]] = []
        self.cancelled: list[str] = []

    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        await self.chat.adapter.deliver(destination, replies)

    async def schedule_event(
        self, where: Destination, event: CalendarEvent, *, again: bool = False
    ) -> str:
        self.created.append(event)
        return f"cal-{len(self.created)}"

    async def update_event(self, where: Destination, event_id: str, event: CalendarEvent) -> None:
        self.updated.append((event_id, event))

    async def cancel_event(self, where: Destination, event_id: str) -> None:
        self.cancelled.append(event_id)


async def test_reminder_offsets(app: App, make_chat: Callable[..., Chat]) -> None:
    """Offsets are validated, stored, shown in each language and move pending reminders."""
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "24 jam dan 1 jam" in await librarian.say("/event reminders")
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')  # 12.00 UTC
    await librarian.say("/event confirm 1")
    assert await pending_reminders(app) == [
        utc_text(datetime(2026, 1, 5, 12, 0, tzinfo=UTC)),
        utc_text(datetime(2026, 1, 6, 11, 0, tzinfo=UTC)),
    ]
    changed = await librarian.say("/event reminders 2h 30m")
    assert "Pengingat kini dikirim 2 jam dan 30 menit sebelum setiap acara." in changed
    assert "1 acara mendatang dijadwalkan ulang." in changed
    assert await pending_reminders(app) == [
        utc_text(datetime(2026, 1, 6, 10, 0, tzinfo=UTC)),
        utc_text(datetime(2026, 1, 6, 11, 30, tzinfo=UTC)),
    ]
    await librarian.say('/event create "Klub Puisi" "lusa jam 19.00"')
    assert "Pengingat dikirim 2 jam dan 30 menit sebelumnya." in await librarian.say(
        "/event confirm 2"
    )
    english = make_chat(user="tom", locale="en", moderator=True)
    assert "Reminders go out 2 hours and 30 minutes before each event." in await english.say(
        "/event reminders"
    )


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ("40d", "antara 1 menit dan 30 hari"),
        ("0m", "antara 1 menit dan 30 hari"),
        ("kapan saja", "tidak bisa membaca “kapan saja” sebagai waktu sebelum acara"),
        ("1m 2m 3m 4m 5m 6m", "Paling banyak 5 waktu pengingat"),
    ],
)
async def test_bad_offsets_are_explained(
    make_chat: Callable[..., Chat], offsets: str, message: str
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    assert message in await librarian.say(f"/event reminders {offsets}")
    assert "24 jam dan 1 jam" in await librarian.say("/event reminders")


async def test_members_cannot_change_events(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    sari = make_chat(user="sari")
    for line in (
        "/event reminders 1m",
        "/event edit 1 title Lain",
        "/event cancel 1",
        "/event cancel 1 2026-01-06",
        "/event show 1",
    ):
        assert "Hanya moderator" in await sari.say(line)
    assert "Pengingat kini" not in await sari.say("/event reminders")


async def test_edit_time_and_place_tells_those_going(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    calendar = CalendarConsole(librarian)
    app.services.messenger.register("console", calendar)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00" "Aula"')
    await librarian.say("/event confirm 1")
    assert calendar.created[0].start == datetime(2026, 1, 6, 12, 0, tzinfo=UTC)
    sari = make_chat(user="sari")
    app.services.messenger.register("console", calendar)  # follow-ups still print in sari's
    calendar.chat = sari
    await sari.say("/event rsvp 1 going")

    start = sari.output.tell()
    changed = await librarian.say("/event edit 1 waktu lusa jam 20.00")
    assert "Rabu, 7 Januari 2026, 20.00 WIB" in changed
    assert "Waktu Bedah Buku berubah: Rabu, 7 Januari 2026, 20.00 WIB." in sari.printed_since(start)
    assert await pending_reminders(app) == [
        utc_text(datetime(2026, 1, 6, 13, 0, tzinfo=UTC)),
        utc_text(datetime(2026, 1, 7, 12, 0, tzinfo=UTC)),
    ]
    assert calendar.updated[-1] == ("cal-1", calendar.updated[-1][1])
    assert calendar.updated[-1][1].start == datetime(2026, 1, 7, 13, 0, tzinfo=UTC)

    start = sari.output.tell()
    await librarian.say("/event edit 1 where Ruang Diskusi Lt. 2")
    assert "Bedah Buku pindah tempat ke Ruang Diskusi Lt. 2." in sari.printed_since(start)
    assert calendar.updated[-1][1].location == "Ruang Diskusi Lt. 2"

    start = sari.output.tell()
    retitled = await librarian.say("/event edit 1 title Bedah Buku Pulang")
    assert "#1 Bedah Buku Pulang" in retitled
    assert sari.printed_since(start) == ""  # a new title tells no one

    await run_jobs(app, clock, 86400 + 10 * 3600)  # 6 January 20.00 WIB: no reminder yet
    start = sari.output.tell()
    await run_jobs(app, clock, 86400 - 10 * 3600 + 9 * 3600 + 30 * 60)  # 7 Jan 19.30 WIB
    # once: in the console the room's reminder is sari's, and no private copy repeats it
    assert sari.printed_since(start).count("Pengingat: Bedah Buku Pulang dimulai Rabu") == 1

    assert "dibatalkan" in await librarian.say("/event cancel 1")
    assert calendar.cancelled == ["cal-1"]


async def test_edit_capacity_promotes_the_waiting_list(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00" "Aula" 1')
    await librarian.say("/event confirm 1")
    await make_chat(user="sari").say("/event rsvp 1 going")
    budi = make_chat(user="budi")
    assert "daftar tunggu" in await budi.say("/event rsvp 1 going")
    start = budi.output.tell()
    assert "2 dari 2 kursi" not in await librarian.say("/event edit 1 capacity 2")
    assert "Ada kursi kosong: Anda sekarang hadir di Bedah Buku." in budi.printed_since(start)
    assert "harus angka 1 sampai 10000" in await librarian.say("/event edit 1 capacity banyak")
    assert "Hadir\n2\n" in await librarian.say("/event edit 1 capacity -")


async def test_edit_refusals(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')
    assert "belum disimpan" in await librarian.say("/event edit 1 title Lain")
    await librarian.say("/event confirm 1")
    assert "tidak bisa membaca “kapan-kapan”" in await librarian.say(
        "/event edit 1 when kapan-kapan"
    )
    assert "sudah lewat" in await librarian.say("/event edit 1 when 2025-01-01 10:00")
    assert "harus salah satu dari" in await librarian.say("/event edit 1 warna merah")
    await librarian.say("/event cancel 1")
    assert "#1 sudah dibatalkan dan tidak bisa diubah lagi." in await librarian.say(
        "/event edit 1 title Lain"
    )
    assert "Tidak ada acara #9" in await librarian.say("/event edit 9 title Lain")


async def test_series_time_change_moves_answers_to_the_new_dates(
    make_chat: Callable[..., Chat],
) -> None:
    """Going to the next Saturday, then the club moves to Sundays: going to the next Sunday."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Klub Baca" "setiap Sabtu 10.00"')
    await librarian.say("/event confirm 1")
    sari = make_chat(user="sari")
    await sari.say("/event rsvp 1 going")
    start = sari.output.tell()
    changed = await librarian.say("/event edit 1 when setiap Minggu 16.00")
    assert "setiap Minggu pukul 16.00 WIB" in changed
    told = sari.printed_since(start)
    assert "Waktu Klub Baca berubah: setiap Minggu pukul 16.00 WIB, berikutnya Minggu," in told
    shown = await librarian.say("/event show 1")
    assert "Minggu, 11 Januari 2026, 16.00 WIB" in shown
    assert "Hadir\nsari" in shown
