"""/announce in the console: a moderator writes, previews, posts, schedules, edits and deletes an
announcement; bad input gets a clear answer; a member is refused."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import run_jobs
from tests.conftest import Chat

HOUR = 3600
DAY = 24 * HOUR
# The fake clock starts on Monday 5 January 2026, 10.00 WIB (03.00 UTC).
TO_NEXT_MONDAY_8 = 6 * DAY + 22 * HOUR


async def test_a_moderator_previews_posts_edits_and_deletes(
    make_chat: Callable[..., Chat],
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    preview = await librarian.say(
        "/umumkan Perpustakaan **tutup** hari Sabtu. Info: https://perpus.example/libur <b>x</b>"
    )
    assert "Pratinjau pengumuman #1" in preview
    assert "tutup" in preview and "**" not in preview and "<b>x</b>" in preview
    assert "/announce post 1" in preview and "/announce schedule 1" in preview
    assert "/announce cancel 1" in preview

    linked = await librarian.say("/umumkan tautan 1 https://perpus.example/daftar Daftar di sini")
    assert "🔗 Daftar di sini  → https://perpus.example/daftar" in linked

    posted = await librarian.say("/umumkan kirim 1")
    assert posted.count("Perpustakaan tutup hari Sabtu") == 1
    assert "Pengumuman #1 sudah dikirim ke 1 tempat." in posted
    again = await librarian.say("/umumkan kirim 1")
    assert "sudah dikirim" in again and "Perpustakaan tutup" not in again

    edited = await librarian.say("/umumkan ubah 1 Perpustakaan tutup hari Minggu.")
    assert "✎ console-1" in edited and "Perpustakaan tutup hari Minggu." in edited
    assert "Pengumuman #1 sudah diubah di 1 tempat." in edited

    asked = await librarian.say("/umumkan hapus 1")
    assert "Hapus pengumuman #1" in asked and "/announce delete 1 yes" in asked
    deleted = await librarian.say("/umumkan hapus 1 ya")
    assert "🗑 console-1" in deleted and "Pengumuman #1 sudah dihapus dari 1 tempat." in deleted
    assert "sudah dihapus" in await librarian.say("/umumkan hapus 1 ya")


async def test_a_scheduled_announcement_goes_out_once_and_is_in_the_calendar(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/announce Bedah buku bersama penulis, Senin pagi!")
    scheduled = await librarian.say("/announce schedule 1 Senin jam 08.00")
    assert "Senin, 12 Januari 2026, 08.00 WIB" in scheduled
    calendar = await librarian.say("/calendar")
    assert "Pengumuman #1 “Bedah buku bersama penulis, Senin pagi!”" in calendar
    number = re.search(r"#(\d+) 08.00 WIB — Pengumuman #1", calendar)
    assert number is not None
    await librarian.say(f"/calendar move {number[1]} Senin jam 09.00")
    listing = await librarian.say("/announce list")
    assert "terjadwal — Senin, 12 Januari 2026, 09.00 WIB" in listing
    await librarian.say(f"/calendar pause {number[1]}")
    assert "09.00 WIB ⏸ dijeda" in await librarian.say("/announce list")
    await librarian.say(f"/calendar resume {number[1]}")
    await librarian.say(f"/calendar move {number[1]} Senin jam 08.00")

    start = librarian.output.tell()
    await run_jobs(app, clock, TO_NEXT_MONDAY_8 - 60)
    assert librarian.printed_since(start) == ""
    await run_jobs(app, clock, 2 * 60)
    await run_jobs(app, clock, DAY)
    assert librarian.printed_since(start).count("Bedah buku bersama penulis") == 1
    assert "Belum ada" in await librarian.say("/calendar") or "Tidak ada" in await librarian.say(
        "/calendar"
    )


async def test_a_repeating_announcement_posts_each_week_and_can_be_paused(
    app: App, clock: FakeClock, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/announce Jam buka minggu ini: 08.00–16.00.")
    answer = await librarian.say("/announce schedule 1 setiap Senin 08.00")
    assert "setiap minggu" in answer and "12 Januari 2026, 08.00 WIB" in answer
    start = librarian.output.tell()
    await run_jobs(app, clock, TO_NEXT_MONDAY_8 + 60)
    await run_jobs(app, clock, 7 * DAY)
    assert librarian.printed_since(start).count("Jam buka minggu ini") == 2
    listing = await librarian.say("/calendar")
    assert "Senin, 26 Januari 2026" in listing and "Pengumuman #1" in listing
    number = re.search(r"#(\d+) 08.00 WIB — Pengumuman #1", listing)
    assert number is not None
    assert "Dijeda" in await librarian.say(f"/calendar pause {number[1]}")
    start = librarian.output.tell()
    await clock.advance(7 * DAY)
    await asyncio.sleep(0.3)  # a paused job is never claimed: nothing to wait for
    assert "Jam buka minggu ini" not in librarian.printed_since(start)

    # Cancelling that one time skips it; the repetition carries on the week after.
    assert "Dibatalkan" in await librarian.say(f"/calendar cancel {number[1]} yes")
    start = librarian.output.tell()
    await run_jobs(app, clock, 7 * DAY)
    assert librarian.printed_since(start).count("Jam buka minggu ini") == 1
    assert "Senin, 9 Februari 2026" in await librarian.say("/calendar")


async def test_bad_input_gets_clear_answers(make_chat: Callable[..., Chat], tmp_path: Path) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/announce Lomba menulis cerpen dibuka!")
    unreadable = await librarian.say("/announce schedule 1 kapan-kapan saja")
    assert "tidak bisa membaca" in unreadable and "Senin jam 08.00" in unreadable
    past = await librarian.say("/announce schedule 1 kemarin jam 08.00")
    assert "sudah lewat" in past
    often = await librarian.say("/announce schedule 1 setiap jam")
    assert "Senin 08.00" in often
    bad_link = await librarian.say("/announce link 1 perpus.example Daftar")
    assert "bukan alamat web" in bad_link
    assert "Tidak ada pengumuman #9" in await librarian.say("/announce post 9")
    role = await librarian.say("/announce mention 1 @Anggota")
    assert "hanya bisa disebut di Discord" in role

    big = tmp_path / "poster.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 6_000_000)
    too_large = await librarian.say(f"/announce Poster lomba @{big}")
    assert "6 MB" in too_large and "5 MB" in too_large
    text_file = tmp_path / "catatan.txt"
    text_file.write_text("bukan gambar")
    wrong = await librarian.say(f"/announce Poster lomba @{text_file}")
    assert "catatan.txt" in wrong and "PNG" in wrong

    picture = tmp_path / "poster.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2000)
    with_picture = await librarian.say(f"/announce Poster lomba @{picture}")
    assert "poster.png" in with_picture and "Pratinjau pengumuman #2" in with_picture

    await librarian.say("/announce cancel 1")
    assert "dibatalkan" in await librarian.say("/announce post 1")


async def test_a_member_is_refused(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/announce Rapat pengurus jam 10.")
    member = make_chat(user="sari")
    for line in (
        "/announce Halo semua",
        "/umumkan kirim 1",
        "/announce schedule 1 besok jam 8",
        "/announce edit 1 diubah",
        "/announce delete 1 yes",
        "/announce list",
    ):
        assert "Hanya moderator" in await member.say(line), line
