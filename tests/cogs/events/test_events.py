"""An event's whole life in the console: create, confirm, RSVP, waiting list, reminders, cancel."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.api.context import Destination
from bot.api.replies import Reply
from bot.process.app import App
from tests.conftest import Chat
from tests.fakes.running import run_due as run_jobs


class Room:
    """A room on another platform: what the bot posts there, as text."""

    def __init__(self) -> None:
        self.posted: list[str] = []

    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        self.posted.extend(f"{reply.title or ''}\n{reply.text}" for reply in replies)


async def held_elsewhere(app: App, event_id: int) -> Room:
    """Move the event's channel to a room on another platform, so the console shows only the
    members' private reminders (in the console itself the room's reminder is the member's)."""
    room = Room()
    app.services.messenger.register("elsewhere", room)
    await app.services.store.execute(
        "UPDATE events SET destination = ? WHERE id = ?",
        (Destination("elsewhere", "room-1").key(), event_id),
    )
    return room


async def test_create_confirm_rsvp_and_remind(
    app: App, make_chat: Callable[..., Chat], clock
) -> None:
    """A moderator creates an event; members RSVP; reminders go out once, in time."""
    librarian = make_chat(user="pustakawan", moderator=True)
    # The fake clock starts on Monday 5 January 2026, 03:00 UTC (10:00 WIB).
    draft = await librarian.say(
        '/event create "Bedah Buku Laut Bercerita" "Sabtu depan pukul 10 pagi" "Aula" 1'
    )
    assert "Sabtu, 10 Januari 2026, 10.00 WIB" in draft
    assert "Simpan  → /event confirm 1" in draft
    saved = await librarian.say("1")
    assert "Tersimpan" in saved
    assert "#1 Bedah Buku Laut Bercerita" in saved
    assert "Hadir  → /event rsvp 1 going" in saved

    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    assert "Sampai jumpa di Bedah Buku Laut Bercerita!" in await sari.say("/event rsvp 1 going")
    assert "daftar tunggu" in await budi.say("/event rsvp 1 hadir")
    listing = await sari.say("/event list")
    assert "1 hadir, 0 mungkin" in listing

    start = budi.output.tell()  # the console prints every follow-up in the newest chat
    promoted = await sari.say("/event rsvp 1 no")
    assert "tidak hadir" in promoted
    assert "Ada kursi kosong: Anda sekarang hadir di Bedah Buku Laut Bercerita." in (
        budi.printed_since(start)
    )
    shown = await librarian.say("/event show 1")
    assert "budi" in shown

    start = budi.output.tell()
    await run_jobs(app, clock, 4 * 86400 + 7 * 3600)  # Friday 10:00 WIB: 24 hours before
    reminders = budi.printed_since(start)
    # The console is one room: budi reads the room's reminder, and no private copy repeats it.
    assert reminders.count("Pengingat: Bedah Buku Laut Bercerita") == 1
    assert "Dalam 24 jam" in reminders
    await run_jobs(app, clock, 0)
    assert budi.printed_since(start).count("Pengingat") == 1  # not again
    await run_jobs(app, clock, 23 * 3600)
    assert "Dalam 1 jam" in budi.printed_since(start)


async def test_bad_times_and_permissions(make_chat: Callable[..., Chat]) -> None:
    """An unreadable or past time gets examples; members cannot create events."""
    librarian = make_chat(user="pustakawan", moderator=True)
    unreadable = await librarian.say('/event create "Diskusi" "kapan-kapan"')
    assert "tidak bisa membaca “kapan-kapan”" in unreadable
    assert "besok jam 19.00" in unreadable
    past = await librarian.say('/event create "Diskusi" "2025-01-01 10:00"')
    assert "sudah lewat" in past
    assert "Hanya moderator" in await make_chat(user="sari").say('/event create "X" "besok"')
    assert "Tidak ada acara #99" in await make_chat(user="sari").say("/event rsvp 99 going")


async def test_cancel_tells_those_going_and_stops_reminders(
    app: App, make_chat: Callable[..., Chat], clock
) -> None:
    """Cancelling tells members who were going, and no reminder follows."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Klub Puisi" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    sari = make_chat(user="sari")
    await sari.say("/event rsvp 1 going")
    start = sari.output.tell()
    assert "dibatalkan" in await librarian.say("/event cancel 1")
    assert "Klub Puisi pada Selasa, 6 Januari 2026, 19.00 WIB dibatalkan." in sari.printed_since(
        start
    )
    await run_jobs(app, clock, 2 * 86400)
    assert "Pengingat" not in sari.printed_since(start)


async def test_remind_off(app: App, make_chat: Callable[..., Chat], clock) -> None:
    """A member who turned reminders off gets none privately; the room and others still do."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Klub Puisi" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    room = await held_elsewhere(app, 1)
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    await sari.say("/event rsvp 1 going")
    await budi.say("/event rsvp 1 going")
    assert "tidak akan mendapat pengingat" in await sari.say("/remind off")
    start = budi.output.tell()
    await run_jobs(app, clock, 86400)
    # Private messages print in the console registered last (budi's): his 24-hour reminder,
    # and none for sari, who turned hers off.
    assert budi.printed_since(start).count("Pengingat: Klub Puisi") == 1
    assert len([text for text in room.posted if "Pengingat: Klub Puisi" in text]) == 1
    assert "akan mendapat pengingat pribadi" in await sari.say("/remind on")


async def test_reminders_speak_the_community_language(
    app: App, make_chat: Callable[..., Chat], clock
) -> None:
    """In a community set to English, the channel's reminder and a member's are in English."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/settings language en")
    await librarian.say('/event create "Poetry Club" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    room = await held_elsewhere(app, 1)
    reader = make_chat(user="tom")
    await reader.say("/event rsvp 1 going")
    start = reader.output.tell()
    await run_jobs(app, clock, 86400)
    shown = reader.printed_since(start)  # tom's private reminders
    assert shown.count("Reminder: Poetry Club starts Tuesday, January 6, 2026, 7:00 PM WIB.") == 1
    assert "Pengingat" not in shown
    assert sum("Reminder: Poetry Club" in text for text in room.posted) == 1


async def test_an_unreachable_member_does_not_hold_up_the_others(
    app: App, make_chat: Callable[..., Chat], clock
) -> None:
    """A member the platform refuses (one who blocked the bot) costs the others nothing: the
    room and every other member get the reminder on time, once; the refused one is tried again."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Klub Puisi" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    room = await held_elsewhere(app, 1)
    for name in ("sari", "budi", "ani"):
        await make_chat(user=name).say("/event rsvp 1 going")
    messenger = app.services.messenger
    send = messenger.send
    private: list[tuple[str, str]] = []
    refused: list[str] = []

    async def refusing(destination: Destination, *replies: Reply, **options: str) -> bool:
        if destination.private:
            if destination.channel_id == "sari":
                refused.append(destination.channel_id)
                raise RuntimeError("Forbidden: bot was blocked by the user")
            private.extend((destination.channel_id, reply.text) for reply in replies)
        return await send(destination, *replies, **options)

    messenger.send = refusing  # type: ignore[method-assign]
    await run_jobs(app, clock, 86400)  # 24 hours before, to the second
    assert sum("Pengingat: Klub Puisi" in text for text in room.posted) == 1
    assert sorted(name for name, _ in private) == ["ani", "budi"]
    assert refused == ["sari"]
    await run_jobs(app, clock, 60)  # the job runs again, for sari only
    assert refused == ["sari", "sari"]
    assert sorted(name for name, _ in private) == ["ani", "budi"]
    assert sum("Pengingat: Klub Puisi" in text for text in room.posted) == 1


async def test_a_discarded_draft_leaves_no_gap_in_the_numbers(
    make_chat: Callable[..., Chat],
) -> None:
    """Issue 17: create, Cancel, create again: the saved event is #1, in both languages."""
    librarian = make_chat(user="pustakawan", moderator=True)
    first = await librarian.say('/event create "Bedah Buku" "Sabtu depan pukul 10 pagi"')
    assert "Batal  → /event discard 1" in first
    assert "Tidak disimpan." in await librarian.say("2")
    again = await librarian.say('/event create "Bedah Buku Bumi Manusia" "Sabtu depan pukul 10"')
    assert "Simpan  → /event confirm 1" in again
    assert "#1 Bedah Buku Bumi Manusia" in await librarian.say("1")
    english = make_chat(user="ann", moderator=True, locale="en")
    draft = await english.say('/event create "Book Talk" "next saturday 10am"')
    assert "Cancel  → /event discard 2" in draft
    assert "Not saved." in await english.say("/event discard 2")
    assert "Save  → /event confirm 2" in await english.say('/event create "Talk" "next friday 7pm"')


async def test_event_ics_in_the_console_is_a_file_on_disk(
    make_chat: Callable[..., Chat], tmp_path
) -> None:
    """Issue 17: `/event ics 1` writes pustaka-event-1.ics and prints where, in both languages."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku Laut Bercerita" "Sabtu depan pukul 10 pagi"')
    await librarian.say("1")
    saved = tmp_path / "files" / "pustaka-event-1.ics"
    shown = await make_chat(user="sari").say("/event ics 1")
    size = saved.stat().st_size
    assert f"Berkas pustaka-event-1.ics ({size} bita): {saved}\n" in shown
    assert b"SUMMARY:Bedah Buku Laut Bercerita" in saved.read_bytes()
    english = await make_chat(user="ann", locale="en").say("/event ics 1")
    assert f"File pustaka-event-1.ics ({size} bytes): {saved}\n" in english


async def test_a_stale_button_under_a_discarded_draft_reaches_no_other_draft(
    make_chat: Callable[..., Chat],
) -> None:
    """The number of a discarded draft goes to the next one: the Save button left under Sari's
    discarded draft must not save Budi's new draft #1."""
    sari = make_chat(user="sari", moderator=True)
    budi = make_chat(user="budi", moderator=True)
    await sari.say('/event create "Bedah Buku" "Sabtu depan pukul 10 pagi"')
    assert "Tidak disimpan." in await sari.say("/event discard 1")
    assert "/event confirm 1" in await budi.say('/event create "Malam Puisi" "Jumat depan 19.00"')
    assert "Tidak ada acara #1 di sini." in await sari.say("/event confirm 1")
    assert "Tidak ada acara #1 di sini." in await sari.say("/event discard 1")
    assert "Belum ada acara" in await budi.say("/event list")
    assert "#1 Malam Puisi" in await budi.say("/event confirm 1")
