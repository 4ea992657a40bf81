"""Personal reminders (/remind me, list, cancel), and the acceptance run: an event reminder
configured to one minute reaches the member exactly once, also across restarts."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import run_jobs
from tests.conftest import Chat

# The fake clock starts on Monday 5 January 2026, 03:00 UTC (10:00 WIB).


async def test_remind_me_once_at_its_time(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    sari = make_chat(user="sari")
    set_up = await sari.say("/remind me besok jam 8 kembalikan buku Cantik Itu Luka")
    assert "🔒 Saya akan mengingatkan Anda pada Selasa, 6 Januari 2026, 08.00 WIB" in set_up
    assert "kembalikan buku Cantik Itu Luka (#1)" in set_up
    quoted = await sari.say('/remind me "lusa jam 19.00" Bedah buku di aula')
    assert "Rabu, 7 Januari 2026, 19.00 WIB: Bedah buku di aula (#2)" in quoted
    listed = await sari.say("/remind list")
    assert listed.index("#1 Selasa") < listed.index("#2 Rabu")

    start = sari.output.tell()
    await run_jobs(app, clock, 22 * 3600 - 60)  # 07.59 WIB
    assert "kembalikan buku" not in sari.printed_since(start)
    await run_jobs(app, clock, 60)
    assert sari.printed_since(start).count("Pengingat\nkembalikan buku Cantik Itu Luka") == 1
    await run_jobs(app, clock, 3600)
    assert sari.printed_since(start).count("kembalikan buku") == 1
    assert "#1" not in await sari.say("/remind list")


async def test_remind_cancel_and_refusals(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    await sari.say("/remind me besok jam 8 kembalikan buku")
    assert "tidak punya pengingat #1" in await budi.say("/remind cancel 1")
    assert "Dibatalkan: kembalikan buku" in await sari.say("/remind cancel 1")
    assert "tidak punya pengingat #1" in await sari.say("/remind cancel 1")
    assert "tidak punya pengingat yang menunggu" in await sari.say("/remind list")
    start = sari.output.tell()
    await run_jobs(app, clock, 2 * 86400)
    assert "kembalikan buku" not in sari.printed_since(start)

    assert "tidak tahu kapan harus mengingatkan" in await sari.say("/remind me kapan-kapan sesuatu")
    assert "sudah lewat" in await sari.say("/remind me 2025-01-01 10:00 sesuatu")
    assert "Jumlah kursi" not in await sari.say("/remind on")
    assert "tidak akan mendapat pengingat" in await sari.say("/remind off")


async def test_remind_me_in_english(make_chat: Callable[..., Chat]) -> None:
    tom = make_chat(user="tom", locale="en")
    answer = await tom.say("/remind me next friday 7pm call the library")
    assert "I'll remind you on Friday, January 9, 2026, 7:00 PM WIB: call the library" in answer
    later = await tom.say("/remind me in ten minutes water the plants")
    assert "Monday, January 5, 2026, 10:10 AM WIB: water the plants (#2)" in later


async def test_remind_me_reads_the_longest_time_that_is_one(make_chat: Callable[..., Chat]) -> None:
    """Time words spelled out are part of the time; a note that starts with one keeps it."""
    sari = make_chat(user="sari")
    spelled = await sari.say("/remind me dalam dua jam angkat jemuran")
    assert "Senin, 5 Januari 2026, 12.00 WIB: angkat jemuran (#1)" in spelled
    counted = await sari.say("/remind me besok jam 8 dua buku dikembalikan")
    assert "Selasa, 6 Januari 2026, 08.00 WIB: dua buku dikembalikan (#2)" in counted


async def test_acceptance_event_reminder_across_restarts(config: Config, clock: FakeClock) -> None:
    """Moderator: "besok jam 19.00", echoed as tomorrow 19.00 WIB; a member RSVPs; with
    reminders one minute before, the member sees it once, with the bot restarted in between."""
    app = await App.open(config, clock=clock)
    try:
        librarian = Chat(app, user="pustakawan", moderator=True)
        assert "1 menit" in await librarian.say("/event reminders 1m")
        draft = await librarian.say('/event create "Diskusi Buku" "besok jam 19.00"')
        assert "Selasa, 6 Januari 2026, 19.00 WIB (besok)" in draft
        assert "Pengingat dikirim 1 menit sebelumnya." in await librarian.say("1")
        assert "Sampai jumpa" in await Chat(app, user="sari").say("/event rsvp 1 going")
    finally:
        await app.close()

    await clock.advance(86400)  # down until Tuesday 10.00 WIB
    app = await App.open(config, clock=clock)
    try:
        sari = Chat(app, user="sari")
        await run_jobs(app, clock, 8 * 3600 + 58 * 60)  # 18.58 WIB: not yet
        assert "Pengingat" not in sari.printed_since(0)
    finally:
        await app.close()

    await clock.advance(90)  # the bot was down when the reminder fell due (18.59 WIB)
    app = await App.open(config, clock=clock)
    try:
        sari = Chat(app, user="sari")
        await run_jobs(app, clock, 0)
        shown = sari.printed_since(0)
        # once: in the console sari reads the room's reminder, and no private copy repeats it
        assert shown.count("Pengingat: Diskusi Buku dimulai Selasa, 6 Januari 2026, 19.00") == 1
        assert "Dalam 1 menit" in shown
    finally:
        await app.close()

    await clock.advance(600)
    app = await App.open(config, clock=clock)
    try:
        sari = Chat(app, user="sari")
        await run_jobs(app, clock, 3600)
        assert "Pengingat" not in sari.printed_since(0)
    finally:
        await app.close()


async def test_personal_reminder_survives_a_restart(config: Config, clock: FakeClock) -> None:
    app = await App.open(config, clock=clock)
    try:
        await Chat(app, user="sari").say("/remind me besok jam 8 bayar denda")
    finally:
        await app.close()
    await clock.advance(22 * 3600 + 30 * 60)  # down past 08.00 WIB, within the grace hour
    app = await App.open(config, clock=clock)
    try:
        sari = Chat(app, user="sari")
        await run_jobs(app, clock, 0)
        await run_jobs(app, clock, 60)
        assert sari.printed_since(0).count("bayar denda") == 1
    finally:
        await app.close()
