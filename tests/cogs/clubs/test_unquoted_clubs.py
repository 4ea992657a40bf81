"""Issue 17, item 2: clubs read what members type without quotes — the club named first (quoted,
unquoted or as #number) before a progress or a vote, and a club found by the start of a word of
its name."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Chat


async def test_progress_vote_and_join_without_quotes(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/club create "Klub Bumi" "Bumi Manusia"')
    await librarian.say('/club create "Klub Laskar Pelangi" "Laskar Pelangi"')

    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    assert "Selamat datang di Klub Laskar Pelangi, sari!" in await sari.say("/club join laskar")
    assert "Selamat datang di Klub Bumi, sari!" in await sari.say("/club join Klub Bumi")
    assert "Dicatat: 25% dari Bumi Manusia." in await sari.say('/club progress "Klub Bumi" 25%')
    assert "Dicatat: 20% dari Bumi Manusia." in await sari.say("/club progress Klub Bumi 20%")
    assert "Dicatat: 10% dari Bumi Manusia." in await sari.say("/club progress #1 10%")

    await budi.say("/club join #1")
    await librarian.say("/club plan #1 chapters 20")
    assert "Dicatat: bab 5 (25%) dari Bumi Manusia." in await budi.say("/club progress bab 5")

    opened = await librarian.say("/club vote #1 Bumi Manusia | Cantik Itu Luka")
    assert "Pemungutan suara dibuka di ruang Klub Bumi sampai" in opened


async def test_progress_without_quotes_in_english(make_chat: Callable[..., Chat]) -> None:
    librarian = make_chat(user="librarian", moderator=True, locale="en")
    await librarian.say('/club create "Earth Club" "Bumi Manusia"')
    await librarian.say('/club create "Rainbow Troops Club" "Laskar Pelangi"')
    tom = make_chat(user="tom", locale="en")
    assert "Welcome to Rainbow Troops Club, tom!" in await tom.say("/club join rainbow")
    assert "Welcome to Earth Club, tom!" in await tom.say("/club join earth")
    assert "Noted: 25% of Bumi Manusia." in await tom.say('/club progress "Earth Club" 25%')
    assert "Noted: 30% of Bumi Manusia." in await tom.say("/club progress Earth Club 30%")
    opened = await librarian.say("/club vote #1 Bumi Manusia | Cantik Itu Luka")
    assert "The vote is open in Earth Club's home until" in opened
