"""Issue 17, item 2: events and reminders read what members type without quotes."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Chat

# The fake clock starts on Monday 5 January 2026, 10:00 WIB: "Sabtu depan" is 10 January.


async def test_event_title_and_time_without_quotes(make_chat: Callable[..., Chat]) -> None:
    """The quoted title with an unquoted time, and no quotes at all, both give the draft; a
    line with no time names what is missing and shows the quoted form."""
    librarian = make_chat(user="pustakawan", moderator=True)
    draft = "Bedah Buku Bumi Manusia pada Sabtu, 10 Januari 2026, 10.00 WIB. Simpan?"
    quoted = await librarian.say('/event create "Bedah Buku Bumi Manusia" Sabtu depan jam 10 pagi')
    assert draft in quoted
    assert "kapasitas" not in quoted
    assert draft in await librarian.say(
        "/event create Bedah Buku Bumi Manusia Sabtu depan jam 10 pagi"
    )
    placed = await librarian.say(
        "/event create Bedah Buku Bumi Manusia Sabtu depan jam 10 pagi Aula Perpustakaan 40"
    )
    assert "10.00 WIB — Aula Perpustakaan. Simpan?" in placed
    await librarian.say("/event confirm 3")
    assert "0 (40 dari 40 kursi kosong)" in await librarian.say("/event show 3")

    lost = await librarian.say("/event create Bedah Buku Bumi Manusia")
    assert "Saya tidak menemukan “waktu” dalam “Bedah Buku Bumi Manusia”." in lost
    assert (
        'Dengan tanda kutip, tidak ada yang ditebak: /event create <"judul"> <"waktu">'
        ' ["tempat"] [kapasitas] [deskripsi]'
    ) in lost


async def test_event_without_quotes_in_english(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="librarian", moderator=True, locale="en")
    draft = "Book Talk on Saturday, January 10, 2026, 10:00 AM WIB. Save it?"
    assert draft in await librarian.say('/event create "Book Talk" Sabtu depan jam 10 pagi')
    assert draft in await librarian.say("/event create Book Talk next Saturday 10am")
    lost = await librarian.say("/event create Book Talk")
    assert "I can't find when in “Book Talk”." not in lost  # two words fit one by one …
    assert "I can't read “Talk” as a date." in lost  # … and the time is the one not understood
    lost = await librarian.say("/event create Book Talk About Bumi")
    assert "I can't find when in “Book Talk About Bumi”." in lost
    assert 'With quotes, nothing is guessed: /event create <"title"> <"when">' in lost


async def test_remind_without_me(make_chat: Callable[..., Chat]) -> None:
    """`/remind saya …` and `/remind besok …` are `/remind me`; `/remind` alone lists the group."""
    sari = make_chat(user="sari")
    assert "Saya akan mengingatkan Anda pada Rabu, 7 Januari 2026, 08.00 WIB: kembalikan buku" in (
        await sari.say("/remind saya lusa jam 8 pagi kembalikan buku")
    )
    answer = await sari.say("/remind besok jam 7 malam rapat klub")
    assert "Anda pada Selasa, 6 Januari 2026, 19.00 WIB: rapat klub" in answer
    listed = await sari.say("/remind")
    assert "/remind list" in listed and "/remind me <waktu> <teks>" in listed

    tom = make_chat(user="tom", locale="en")
    answer = await tom.say("/remind tomorrow 7pm call the library")
    assert "I'll remind you on Tuesday, January 6, 2026, 7:00 PM WIB: call the library" in answer
    answer = await tom.say("/remind me return the book next friday 7pm")
    assert "Friday, January 9, 2026, 7:00 PM WIB: return the book" in answer
