"""/calendar as a librarian uses it: everything the bot will post in the coming weeks in time
order (an event reminder, a club's discussion post, a scheduled quiz), each moved, paused,
resumed or cancelled by its number, with clear refusals."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.api import identity
from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.quiz.packs import bundled_packs
from cogs.quiz.schedules import ScheduleStore, plan
from tests.conftest import Chat
from tests.fakes.running import run_due as run_jobs

# The fake clock starts on Monday 5 January 2026, 10:00 WIB.
HOUR = 3600
PACK = bundled_packs()[0]


def number(listing: str, what: str) -> int:
    """The item number /calendar shows on the line that mentions `what`."""
    for line in listing.splitlines():
        if what in line:
            found = re.match(r"#(\d+) ", line)
            assert found, line
            return int(found[1])
    raise AssertionError(f"{what!r} is not in the calendar:\n{listing}")


async def test_the_calendar_lists_what_will_be_posted_in_time_order(
    make_chat: Callable[..., Chat],
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/club create "Klub Sastra" "Bumi Manusia" "" 3')
    await librarian.say('/event create "Bedah Buku" "Kamis jam 19.00"')
    await librarian.say("/event confirm 1")
    scheduled = await librarian.say(f"/quiz schedule {PACK.key} Selasa jam 19.00")
    assert "Selasa, 6 Januari 2026, 19.00 WIB" in scheduled

    listing = await librarian.say("/kalender")
    assert listing.startswith("Kalender: 2 minggu ke depan")
    quiz = listing.index(f"Kuis {PACK.title} dimulai sendiri")
    reminder_24h = listing.index("Pengingat Bedah Buku (Kamis, 8 Januari 2026, 19.00 WIB), 24 jam")
    reminder_1h = listing.index("Pengingat Bedah Buku (Kamis, 8 Januari 2026, 19.00 WIB), 1 jam")
    club = listing.index("Klub Sastra: diskusi bagian 2 dari Bumi Manusia")
    assert quiz < reminder_24h < reminder_1h < club
    # each day once, in bold in the platforms (plain in the console), each item with its time
    assert "Selasa, 6 Januari 2026\n#" in listing and "— Kuis" in listing
    assert re.search(r"#\d+ 19\.00 WIB — Kuis", listing)
    reminder = r"#\d+ 18\.00 WIB — Pengingat Bedah Buku \(.*\), 1 jam sebelumnya, di kanal konsol"
    assert re.search(reminder, listing)
    # one week ahead leaves the club's post on 12 January out
    week = await librarian.say("/calendar 1")
    assert "Bedah Buku" in week and "Klub Sastra" not in week

    english = make_chat(user="tom", moderator=True, locale="en")
    shown = await english.say("/calendar")
    assert "Calendar: the next 2 weeks" in shown
    assert f"Quiz {PACK.title} starts by itself (10 questions)" in shown
    assert "Tuesday, January 6, 2026" in shown


async def test_move_pause_resume_and_cancel_take_effect(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/event reminders 1h")
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')  # reminder 18.00
    await librarian.say("/event confirm 1")
    await librarian.say('/event create "Diskusi Puisi" "lusa jam 19.00"')
    await librarian.say("/event confirm 2")
    listing = await librarian.say("/calendar")
    first = number(listing, "Bedah Buku")
    second = number(listing, "Diskusi Puisi")

    paused = await librarian.say(f"/calendar pause {first}")
    assert f"Dijeda #{first}" in paused
    assert "⏸ dijeda" in await librarian.say("/calendar")
    start = librarian.output.tell()
    await run_jobs(app, clock, 32 * HOUR)  # Tuesday 18.00 passes: the paused one stays quiet
    assert "Pengingat: Bedah Buku dimulai" not in librarian.printed_since(start)
    late = await librarian.say(f"/calendar resume {first}")
    assert "sudah lewat selama dijeda" in late and f"/calendar move {first}" in late
    moved = await librarian.say(f"/calendar move {first} hari ini jam 18.30")
    assert f"Dipindah #{first} ke Selasa, 6 Januari 2026, 18.30 WIB" in moved
    assert "Dilanjutkan" in await librarian.say(f"/calendar resume {first}")
    await run_jobs(app, clock, 35 * 60)
    assert librarian.printed_since(start).count("Pengingat: Bedah Buku dimulai") == 1

    asked = await librarian.say(f"/calendar cancel {second}")
    assert f"Batalkan #{second}" in asked and f"/calendar cancel {second} yes" in asked
    assert "Diskusi Puisi" in await librarian.say("/calendar")  # not cancelled until confirmed
    assert f"Dibatalkan #{second}" in await librarian.say(f"/calendar cancel {second} ya")
    assert "Diskusi Puisi" not in await librarian.say("/calendar")
    start = librarian.output.tell()
    await run_jobs(app, clock, 2 * 24 * HOUR)
    assert "Pengingat: Diskusi Puisi dimulai" not in librarian.printed_since(start)
    gone = await librarian.say(f"/calendar pause {second}")
    assert f"Tidak ada jadwal #{second} untuk komunitas ini" in gone


async def test_moving_an_item_earlier_posts_it_then_and_not_at_its_old_time(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say(f"/quiz schedule {PACK.key} Rabu jam 19.00")
    item = number(await librarian.say("/calendar"), "Kuis")
    await librarian.say(f"/calendar move {item} hari ini jam 12.00")
    start = librarian.output.tell()
    await run_jobs(app, clock, 2 * HOUR)  # 12.00 WIB
    assert librarian.printed_since(start).count("Waktunya kuis!") == 1
    await run_jobs(app, clock, 600)  # the quiz plays out
    await run_jobs(app, clock, 3 * 24 * HOUR)  # past Wednesday 19.00
    assert librarian.printed_since(start).count("Waktunya kuis!") == 1


async def test_refusals(app: App, make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "Hanya moderator" in await make_chat(user="sari").say("/calendar")
    assert "Hanya moderator" in await make_chat(user="sari").say("/kalender jeda 1")
    assert "antara 1 dan 52" in await librarian.say("/calendar 0")
    assert "antara 1 dan 52" in await librarian.say("/calendar 53")
    assert "bilangan bulat" in await librarian.say("/calendar dua")
    assert "Tidak ada yang terjadwal" in await librarian.say("/calendar")
    await librarian.say(f"/quiz schedule {PACK.key} besok jam 19.00")
    item = number(await librarian.say("/calendar"), "Kuis")
    unreadable = await librarian.say(f"/calendar move {item} kapan-kapan")
    assert "tidak bisa membaca “kapan-kapan”" in unreadable and "besok jam 19.00" in unreadable
    assert "sudah lewat" in await librarian.say(f"/calendar move {item} 2025-01-01 10:00")
    assert "satu waktu" in await librarian.say(f"/calendar move {item} setiap Jumat 19.00")
    assert "belum dijeda" in await librarian.say(f"/calendar resume {item}")
    await librarian.say(f"/calendar pause {item}")
    assert "sudah dijeda" in await librarian.say(f"/calendar pause {item}")
    assert "Tidak ada jadwal #999" in await librarian.say("/calendar cancel 999")

    # another community's scheduled quiz is neither listed nor touched from here
    store = app.services.store
    _, other = await identity.remember(
        store,
        platform="telegram",
        member_id="7",
        display_name="Tom",
        platform_locale="id",
        community_id="-100",
        community_name="Pembaca Lain",
        now=app.services.clock.now(),
    )
    assert other is not None
    schedule = await ScheduleStore(store).add(
        community_id=other.id,
        destination='{"platform":"telegram","channel_id":"-100"}',
        pack_key=PACK.key,
        pack_title="Kuis Tetangga",
        questions=10,
        seconds=20,
        starts_at=app.services.clock.now().replace(hour=12),
        recurrence=None,
        said="hari ini jam 19.00",
        created_by=None,
        now=app.services.clock.now(),
    )
    await plan(app.services.scheduler, schedule, app.services.clock.now(), other_tz(app))
    theirs = await store.fetchval(
        "SELECT id FROM jobs WHERE kind = 'quiz-scheduled' ORDER BY id DESC"
    )
    assert "Kuis Tetangga" not in await librarian.say("/calendar")
    assert f"Tidak ada jadwal #{theirs}" in await librarian.say(f"/calendar cancel {theirs} yes")
    assert await app.services.scheduler.state(schedule.key(schedule.starts_at)) == "pending"


def other_tz(app: App):  # type: ignore[no-untyped-def]
    return app.services.config.bot.tz
