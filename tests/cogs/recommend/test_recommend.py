"""/recommend in the console, on the bundled sample catalog, with a seeded random source."""

from __future__ import annotations

import re
from datetime import date

from bot.catalog.store import Catalog
from bot.time.clock import FakeClock
from cogs.recommend.daily import book_of_the_day
from cogs.recommend.themes import load_themes, plain
from tests.cogs.sample_catalog import book_titled
from tests.conftest import Chat

OPENED = re.compile(r"→ /book #(\d+)")


def opened(shown: str) -> list[int]:
    """The books a reply offers to open, in order."""
    return [int(n) for n in OPENED.findall(shown)]


async def subjects_of(catalog: Catalog, book_ids: list[int]) -> list[set[str]]:
    return [{plain(s) for s in b.record.subjects} for b in await catalog.books(book_ids)]


async def test_themes_offered_without_a_theme(chat: Chat) -> None:
    """/recommend alone offers the themes as buttons, named in the member's language."""
    shown = await chat.say("/recommend")
    assert "Tema apa? Pilih salah satu" in shown
    assert "Sejarah  → /recommend sejarah" in shown
    assert "Fiksi ilmiah  → /recommend fiksi ilmiah" in shown


async def test_english_member_gets_english_theme_names(make_chat) -> None:
    """An English-speaking member sees the themes' English names and English availability."""
    tom = make_chat(user="tom", locale="en")
    assert "History  → /recommend sejarah" in await tom.say("/recommend")
    shown = await tom.say("/recommend history")
    assert "Recommended: History" in shown
    assert "on the shelf" in shown or "On loan until" in shown


async def test_fantasy_gives_only_fantasy_books_and_varies(chat: Chat, catalog: Catalog) -> None:
    """Every pick of the fantasy theme carries a fantasy subject; calls give different picks."""
    seen: list[tuple[int, ...]] = []
    for _ in range(6):
        shown = await chat.say("/recommend fantasi")
        picks = opened(shown)
        assert len(picks) == 5
        assert "Rekomendasi: Fantasi" in shown and "Pilihan lain  → /recommend fantasi" in shown
        for subjects in await subjects_of(catalog, picks):
            assert subjects & {"fantasi", "fantasy"}, subjects
        seen.append(tuple(picks))
    assert len(set(seen)) > 1


async def test_picks_favour_books_on_the_shelf(chat: Chat, catalog: Catalog) -> None:
    """Books with a copy on the shelf come up more often than their share of the theme."""
    rows = await catalog.store.fetchall(
        "SELECT available FROM books WHERE subjects LIKE '%\"romance\"%'"
    )
    share = sum(1 for (available,) in rows if available) / len(rows)
    picked = []
    for _ in range(12):
        picked += opened(await chat.say("/recommend romansa"))
    books = await catalog.books(picked)
    assert sum(1 for b in books if b.available) / len(books) > share


async def test_any_catalog_subject_works(chat: Chat, catalog: Catalog) -> None:
    """A subject that is no theme still gives books having exactly that subject."""
    shown = await chat.say("/recommend kolonialisme")
    assert "Rekomendasi: kolonialisme" in shown
    picks = opened(shown)
    assert picks
    for subjects in await subjects_of(catalog, picks):
        assert "kolonialisme" in subjects


async def test_unknown_theme_gets_close_themes(chat: Chat) -> None:
    """A misspelt theme is answered with the close ones; gibberish with the list of themes."""
    typo = await chat.say("/recommend fantasu")
    assert "Saya tidak menemukan tema atau subjek “fantasu”." in typo
    assert "Fantasi  → /recommend fantasi" in typo
    assert "Horor" not in typo and "Anak-anak" not in typo
    nothing = await chat.say("/recommend qqqqzz")
    assert "Ini tema yang tersedia:" in nothing and "→ /recommend sejarah" in nothing


async def test_words_after_recommend_choose_the_subcommand(chat: Chat) -> None:
    """`like`, `me`, `today` and `theme` are subcommands; any other words are a theme."""
    assert "Rekomendasi: Sastra Indonesia" in await chat.say("/recommend sastra indonesia")
    assert "Mirip Laskar Pelangi" in await chat.say("/recommend like Laskar Pelangi")
    assert "Ceritakan dulu apa yang sudah Anda baca" in await chat.say("/recommend me")
    assert "Buku hari ini: " in await chat.say("/recommend today")
    assert "Rekomendasi: Fantasi" in await chat.say("/recommend theme fantasi")
    assert "Tema apa?" in await chat.say("/recommend theme")


async def test_like_gives_related_books_with_reasons(chat: Chat, catalog: Catalog) -> None:
    """More like Bumi Manusia: the rest of the Buru Quartet first, each pick with its reasons,
    never Bumi Manusia itself."""
    bumi = await book_titled(catalog, "Bumi Manusia")
    shown = await chat.say("/recommend like Bumi Manusia")
    picks = opened(shown)
    assert len(picks) == 5 and bumi.id not in picks
    assert shown.count("Alasannya: ") == 5
    assert "Anak Semua Bangsa — Pramoedya Ananta Toer (1980)" in shown
    assert "Alasannya: pengarang yang sama; subjek yang sama: Tetralogi Buru" in shown
    titles = [b.record.title for b in await catalog.books(picks)]
    assert "Bumi Manusia" not in titles


async def test_like_never_returns_the_book_itself(chat: Chat, catalog: Catalog) -> None:
    """For a spread of books, "like" never offers the book asked about."""
    rows = await catalog.store.fetchall("SELECT id FROM books WHERE id % 97 = 1")
    for (book_id,) in rows:
        shown = await chat.say(f"/recommend like #{book_id}")
        assert book_id not in opened(shown)


async def test_like_uses_members_co_ratings(make_chat, catalog: Catalog) -> None:
    """Readers who loved Bumi Manusia also loved Pride and Prejudice: "like" says so."""
    for name in ("ani", "budi", "citra"):
        reader = make_chat(user=name)
        await reader.say("/rate Bumi Manusia 5")
        await reader.say("/rate Pride and Prejudice 5")
    shown = await make_chat(user="dewi").say("/recommend like Bumi Manusia")
    assert "Pride and Prejudice — Jane Austen (1813)" in shown
    assert "pembaca Bumi Manusia juga menyukainya" in shown


async def test_like_with_no_match_or_several(chat: Chat, catalog: Catalog) -> None:
    """A title matching nothing gets a clear message with suggestions; several get a choice."""
    none = await chat.say("/recommend like Bumi Manusiaa")
    assert "Perpustakaan tidak punya buku berjudul “Bumi Manusiaa”." in none
    assert "Bumi Manusia  → /recommend like Bumi Manusia" in none
    nothing = await chat.say("/recommend like qqqzzz xxyyy")
    assert "tidak punya buku berjudul “qqqzzz xxyyy”." in nothing
    several = await chat.say("/recommend like ayat cinta")
    assert "Ada beberapa buku yang cocok dengan “ayat cinta”. Yang mana?" in several
    ayat = await book_titled(catalog, "Ayat-Ayat Cinta")
    assert f"→ /recommend like #{ayat.id}" in several
    chosen = await chat.say(f"/recommend like #{ayat.id}")
    assert "Mirip Ayat-Ayat Cinta" in chosen and ayat.id not in opened(chosen)


async def test_personal_picks_never_include_a_read_book(chat: Chat, catalog: Catalog) -> None:
    """/recommend me starts from the member's ratings and shelf and never offers what they
    rated or read."""
    read = ["Bumi Manusia", "Anak Semua Bangsa", "Laskar Pelangi", "Sang Pemimpi"]
    await chat.say("/rate Bumi Manusia 5 Luar biasa")
    await chat.say("/rate Anak Semua Bangsa 4")
    await chat.say("/shelf add Laskar Pelangi read")
    await chat.say("/shelf add Sang Pemimpi reading")
    shown = await chat.say("/recommend me")
    assert "Pilihan untuk Anda" in shown
    picks = opened(shown)
    assert len(picks) == 5
    titles = [b.record.title for b in await catalog.books(picks)]
    assert not set(titles) & set(read)
    assert "karena Anda menyukai Bumi Manusia" in shown or "karya Pramoedya" in shown
    assert shown.count("Alasannya: ") == 5


async def test_theme_picks_leave_out_what_the_member_read(chat: Chat, catalog: Catalog) -> None:
    """A book the member has read is not recommended to them on its theme."""
    bumi = await book_titled(catalog, "Bumi Manusia")
    await chat.say("/shelf add Bumi Manusia read")
    for _ in range(15):
        assert bumi.id not in opened(await chat.say("/recommend kolonialisme"))


async def test_book_of_the_day_is_stable_for_the_day(
    chat: Chat, catalog: Catalog, clock: FakeClock
) -> None:
    """/recommend today shows the same book all day, and a new day brings other books."""
    first = await chat.say("/recommend today")
    assert "Buku hari ini: " in first and "Ketersediaan" in first
    assert first == await chat.say("/recommend today")
    days = {first}
    for _ in range(3):
        await clock.advance(86400)
        days.add(await chat.say("/recommend today"))
    assert len(days) > 1


async def test_book_of_the_day_function(catalog: Catalog) -> None:
    """The call scheduled posts use: deterministic per community and date, on the shelf."""
    day = date(2026, 5, 17)
    first = await book_of_the_day(catalog, "community:1", day)
    again = await book_of_the_day(catalog, "community:1", day)
    assert first is not None and again is not None
    assert first.id == again.id and first.available > 0
    others = {
        (await book_of_the_day(catalog, f"community:{n}", day)).id  # type: ignore[union-attr]
        for n in range(2, 8)
    }
    assert len(others | {first.id}) > 1


def test_every_theme_finds_sample_books() -> None:
    """Each bundled theme maps to subjects the bundled sample catalog really has."""
    from bot.catalog.sample import load_sample

    records = load_sample(today=date(2026, 1, 5))
    present = {plain(s) for r in records for s in r.subjects}
    for theme in load_themes().all:
        found = [s for s in theme.subjects if plain(s) in present]
        assert found == list(theme.subjects), (theme.key, set(theme.subjects) - set(found))
        books = [r for r in records if {plain(s) for s in r.subjects} & set(map(plain, found))]
        assert len(books) >= 5, theme.key


async def test_another_record_of_a_read_book_is_left_out(chat: Chat, catalog: Catalog) -> None:
    """A second record (another edition) of a book the member read is not recommended either."""
    from bot.catalog.records import Copy, Record

    first = await book_titled(catalog, "Anak Semua Bangsa")
    await catalog.upsert(
        [
            Record(
                "slims",
                "asb-2",
                "Anak Semua Bangsa",
                authors=first.record.authors,
                subjects=first.record.subjects,
                language="id",
                year=2011,
                copies=(Copy(),),
            )
        ]
    )
    await chat.say(f"/shelf add #{first.id} read")
    await chat.say("/rate Bumi Manusia 5")
    for command in ("/recommend like Bumi Manusia", "/recommend me", "/recommend kolonialisme"):
        shown = await chat.say(command)
        assert opened(shown) and "Anak Semua Bangsa" not in shown, command
