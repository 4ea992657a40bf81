"""Issue 17, item 6: the Indonesian words members type are understood — aliases for commands and
groups, synonyms for choices in both languages, and "did you mean" over aliases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.process.app import App
from tests.conftest import Chat, write_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, sample=True), env={})


async def test_indonesian_aliases(make_chat: Callable[..., Chat]) -> None:
    sari = make_chat(user="sari")
    themes = await sari.say("/rekomendasi")
    assert "Tema apa?" in themes and "→ /recommend sejarah" in themes
    assert "Rekomendasi: Sejarah" in await sari.say("/rekomendasi sejarah")
    assert "Maksud Anda /rekomendasi?" in await sari.say("/rekomendasii")
    assert "Maksud Anda /acara?" in await sari.say("/acra")
    events = await sari.say("/acara")
    assert "/event list" in events and "Juga: /acara daftar" in events
    assert "Belum ada acara yang direncanakan." in await sari.say("/acara daftar")
    reminders = await sari.say("/ingatkan")
    assert "/remind list" in reminders and "Juga: /ingatkan daftar" in reminders
    assert "Anda pada Selasa, 6 Januari 2026, 09.00 WIB: pinjam buku" in await sari.say(
        "/ingatkan besok jam 9 pinjam buku"
    )
    assert "Tidak ada kuis yang sedang berjalan di sini." in await sari.say("/jwb A")


async def test_aliases_in_english(make_chat: Callable[..., Chat]) -> None:
    tom = make_chat(user="tom", locale="en")
    assert "Recommended: History" in await tom.say("/rekomendasi sejarah")
    assert "No events are planned yet." in await tom.say("/acara list")
    assert "No quiz is running here." in await tom.say("/jwb A")
    assert "Did you mean /rekomendasi?" in await tom.say("/rekomendasii")


@pytest.mark.parametrize(
    ("locale", "words", "answer"),
    [
        (None, ("ya", "hadir", "going"), "Sampai jumpa di Bedah Buku!"),
        (None, ("mungkin", "maybe"), "Dicatat: mungkin hadir di Bedah Buku."),
        (None, ("tidak", "no"), "Dicatat: tidak hadir di Bedah Buku."),
        ("en", ("yes", "ya", "going"), "See you at Bedah Buku!"),
        ("en", ("maybe", "mungkin"), "Noted: maybe for Bedah Buku."),
        ("en", ("no", "tidak"), "Noted: not going to Bedah Buku."),
    ],
)
async def test_rsvp_words_in_both_languages(
    app: App,
    make_chat: Callable[..., Chat],
    locale: str | None,
    words: tuple[str, ...],
    answer: str,
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/event create "Bedah Buku" "besok jam 19.00"')
    await librarian.say("/event confirm 1")
    member = make_chat(user="sari", locale=locale)
    for word in words:
        assert answer in await member.say(f"/event rsvp 1 {word}"), word
