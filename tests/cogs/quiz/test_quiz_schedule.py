"""/quiz schedule: a quiz starts by itself at its time, once, also across restarts and a crash
in the middle of starting it; a repeating one schedules its next time; list, cancel, refusals."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Config
from bot.process.app import App
from bot.time.clock import FakeClock
from cogs.quiz.packs import bundled_packs
from tests.conftest import Chat
from tests.fakes.running import run_due as run_jobs

# The fake clock starts on Monday 5 January 2026, 10:00 WIB.
HOUR = 3600
DAY = 24 * HOUR
PACK = bundled_packs()[0]
STARTED = "Waktunya kuis!"


async def play_out(app: App, clock: FakeClock) -> None:
    """Let a running quiz close each question in turn until it ends (10 questions of 20 s)."""
    for _ in range(12):
        await run_jobs(app, clock, 21)


async def jobs(app: App, state: str = "pending") -> list[str]:
    rows = await app.services.store.fetchall(
        "SELECT due_at FROM jobs WHERE kind = 'quiz-scheduled' AND state = ? ORDER BY due_at",
        (state,),
    )
    return [row[0][:16] for row in rows]


async def test_a_scheduled_quiz_starts_by_itself_once(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    sari = make_chat(user="sari")
    answer = await librarian.say(f"/kuis jadwal {PACK.key} hari ini jam 19.00")
    assert (
        f"Terjadwal #1: {PACK.title} dimulai sendiri di sini pada Senin, 5 Januari 2026" in answer
    )
    await run_jobs(app, clock, 9 * HOUR - 60)  # 18.59 WIB
    assert STARTED not in sari.printed_since(0)
    await run_jobs(app, clock, 60)
    room = sari.printed_since(0)
    assert room.count(STARTED) == 1 and "Pertanyaan 1 dari 10" in room
    assert "pertanyaan 1" in (await sari.say("/answer A")).lower()  # played as any quiz
    await play_out(app, clock)
    assert "Klasemen akhir" in sari.printed_since(0)
    await run_jobs(app, clock, 7 * DAY)
    assert sari.printed_since(0).count(STARTED) == 1
    assert "Belum ada kuis terjadwal" in await librarian.say("/kuis jadwal daftar")  # it went


async def test_it_starts_after_a_restart_and_not_twice(config: Config, clock: FakeClock) -> None:
    app = await App.open(config, clock=clock)
    try:
        await Chat(app, user="pustakawan", moderator=True).say(
            f"/quiz schedule {PACK.key} besok jam 08.00"
        )
    finally:
        await app.close()
    await clock.advance(22 * HOUR - 60)  # down until 07.59 WIB on Tuesday
    app = await App.open(config, clock=clock)
    try:
        sari = Chat(app, user="sari")
        await run_jobs(app, clock, 0)
        assert STARTED not in sari.printed_since(0)
        await run_jobs(app, clock, 60)
        assert sari.printed_since(0).count(STARTED) == 1
        # a crash right after the start, before the job was marked done: it runs again
        await app.services.store.execute(
            "UPDATE jobs SET state = 'running' WHERE kind = 'quiz-scheduled'"
        )
    finally:
        await app.close()
    app = await App.open(config, clock=clock)
    try:
        sari = Chat(app, user="sari")
        await run_jobs(app, clock, 0)
        await play_out(app, clock)
        shown = sari.printed_since(0)
        assert STARTED not in shown  # the quiz it started carries on; none starts again
        quizzes = await app.services.store.fetchval("SELECT count(*) FROM quizzes")
        assert quizzes == 1
        assert await jobs(app, "done") == ["2026-01-06T01:00"]
    finally:
        await app.close()


async def test_a_quiz_due_while_the_bot_was_down_starts_when_it_is_back(
    config: Config, clock: FakeClock
) -> None:
    """Within the grace hour it starts at once, and only once across another restart."""
    app = await App.open(config, clock=clock)
    try:
        await Chat(app, user="pustakawan", moderator=True).say(
            f"/quiz schedule {PACK.key} hari ini jam 12.00"
        )
    finally:
        await app.close()
    await clock.advance(2 * HOUR + 20 * 60)  # down past 12.00, within the grace hour
    for _ in range(2):
        app = await App.open(config, clock=clock)
        try:
            sari = Chat(app, user="sari")
            await run_jobs(app, clock, 0)
            await play_out(app, clock)
            started = sari.printed_since(0).count(STARTED)
        finally:
            await app.close()
        assert started == (1 if _ == 0 else 0)


async def test_a_repeating_quiz_schedules_its_next_time(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    answer = await librarian.say(f"/quiz schedule {PACK.key} setiap Jumat jam 19.00")
    assert "setiap Jumat jam 19.00, pertama kali pada Jumat, 9 Januari 2026, 19.00 WIB" in answer
    assert await jobs(app) == ["2026-01-09T12:00", "2026-01-16T12:00"]
    shown = await librarian.say("/calendar")
    assert "berulang: setiap Jumat jam 19.00" in shown
    await run_jobs(app, clock, 4 * DAY + 9 * HOUR)  # Friday 19.00 WIB
    await play_out(app, clock)
    assert librarian.printed_since(0).count(STARTED) == 1
    assert await jobs(app) == ["2026-01-16T12:00", "2026-01-23T12:00"]
    await run_jobs(app, clock, 7 * DAY)
    await play_out(app, clock)
    assert librarian.printed_since(0).count(STARTED) == 2

    # cancelling one time from the calendar leaves the series going
    listing = await librarian.say("/calendar")
    item = next(line for line in listing.splitlines() if "Kuis" in line).split()[0]
    await librarian.say(f"/calendar cancel {item.lstrip('#')} yes")
    assert await jobs(app) == ["2026-01-30T12:00"]
    await run_jobs(app, clock, 7 * DAY + 600)
    assert librarian.printed_since(0).count(STARTED) == 2
    await run_jobs(app, clock, 7 * DAY)
    await play_out(app, clock)
    assert librarian.printed_since(0).count(STARTED) == 3
    assert await jobs(app) == ["2026-02-06T12:00", "2026-02-13T12:00"]

    assert "Kuis terjadwal #1 dibatalkan" in await librarian.say("/quiz schedule cancel 1")
    assert await jobs(app) == []
    assert "Belum ada kuis terjadwal" in await librarian.say("/quiz schedule list")


async def test_list_cancel_and_refusals(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "Hanya moderator" in await make_chat(user="sari").say(f"/quiz schedule {PACK.key} besok")
    assert "Belum ada kuis terjadwal" in await librarian.say("/quiz schedule list")
    past = await librarian.say(f"/quiz schedule {PACK.key} 2025-01-01 10:00")
    assert "sudah lewat" in past
    unreadable = await librarian.say(f"/quiz schedule {PACK.key} kapan-kapan")
    assert "tidak bisa membaca “kapan-kapan” sebagai waktu" in unreadable
    assert "setiap Jumat jam 19.00" in unreadable
    often = await librarian.say(f"/quiz schedule {PACK.key} RRULE:FREQ=HOURLY 2026-01-09 19:00")
    assert "paling sering sekali sehari" in often
    no_time = await librarian.say(f"/quiz schedule {PACK.key}")
    assert "Kapan" in no_time and f"/kuis jadwal {PACK.key} Jumat jam 19.00" in no_time
    assert "Tidak ada paket kuis “tidak-ada”" in await librarian.say(
        "/quiz schedule tidak-ada besok jam 19.00"
    )
    await librarian.say(f"/quiz schedule {PACK.key} besok jam 19.00")
    listed = await librarian.say("/quiz schedule list")
    assert f"#1 {PACK.title} — besok jam 19.00; berikutnya: Selasa, 6 Januari 2026" in listed
    assert "Berikan nomornya" in await librarian.say("/quiz schedule cancel")
    assert "Tidak ada kuis terjadwal #7" in await librarian.say("/quiz schedule cancel 7")
    assert "dibatalkan" in await librarian.say("/kuis jadwal batal 1")
    assert "Tidak ada kuis terjadwal #1" in await librarian.say("/quiz schedule cancel 1")
