from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.catalog.records import Copy, CopyStatus, Record
from bot.process.app import App
from cogs.catalog.public import headline, titled
from tests.conftest import Chat

CANTIK = Record(
    "test",
    "c1",
    "Cantik Itu Luka",
    ("Eka Kurniawan",),
    ("sastra Indonesia", "Indonesian literature", "realisme magis", "magical realism"),
    year=2002,
    language="id",
    description="Dewi Ayu bangkit dari kubur setelah dua puluh satu tahun.",
    copies=(
        Copy("X1", "899.221 KUR c", "Rak Sastra", CopyStatus.AVAILABLE),
        Copy("X2", "899.221 KUR c", "Rak Sastra", CopyStatus.ON_LOAN, date(2026, 1, 12)),
    ),
)
LELAKI = Record(
    "test",
    "c2",
    "Lelaki Harimau",
    ("Eka Kurniawan",),
    ("sastra Indonesia", "novel"),
    year=2004,
    language="id",
    copies=(Copy("X3", "899.221 KUR l", status=CopyStatus.ON_LOAN, due=date(2026, 1, 20)),),
)


@pytest.fixture
async def catalog(app: App):
    feature = next(f for f in app.services.registry.features if f.name == "catalog")
    await feature.catalog.upsert([CANTIK, LELAKI])
    return feature.catalog


async def test_one_match_shows_its_card(chat: Chat, catalog) -> None:
    """A search with one match shows the book, its availability and call number."""
    shown = await chat.say("/book cantik itu luka")
    assert "Cantik Itu Luka — Eka Kurniawan (2002)" in shown
    assert "1 dari 2 eksemplar ada di rak — nomor panggil 899.221 KUR c (Rak Sastra)" in shown
    assert "realisme magis" in shown


async def test_several_matches_list_with_buttons(chat: Chat, catalog) -> None:
    """Several matches are listed with availability, each with a button to open it."""
    shown = await chat.say("/buku kurniawan")
    assert "Buku yang cocok dengan “kurniawan”" in shown
    assert "Dipinjam sampai 20 Januari 2026." in shown
    assert "→ /book #" in shown
    opened = await chat.say("2")
    assert "Lelaki Harimau — Eka Kurniawan (2004)" in opened


async def test_english_availability(make_chat, catalog) -> None:
    """Availability reads naturally in English too."""
    shown = await make_chat(user="tom", locale="en").say("/book lelaki harimau")
    assert "On loan until January 20, 2026." in shown


async def test_nothing_found_and_unknown_number(chat: Chat, catalog) -> None:
    """No match gets a clear message; /book #999 says there is no such book."""
    assert "tidak punya apa pun yang cocok dengan “zzzyx”" in await chat.say("/book zzzyx")
    assert "Tidak ada buku #999999." in await chat.say("/book #999999")
    assert "“kata kunci” belum diisi." in await chat.say("/book")


async def test_more_pages(chat: Chat, catalog) -> None:
    """More than five matches offer a More button that shows the next page."""
    more = [replace(LELAKI, source_id=f"m{i}", title=f"Harimau {i}") for i in range(7)]
    await catalog.upsert(more)
    first = await chat.say("/book harimau")
    assert "Lainnya  → /books 2 harimau" in first
    second = await chat.say("/books 2 harimau")
    assert "6. " in second and "1. " not in second
    assert await chat.say("/halaman 2 harimau") == second  # its Indonesian name


async def test_new_arrivals(chat: Chat, catalog, clock) -> None:
    """/new lists books first seen in the last days, newest first."""
    await clock.advance(86400 * 40)
    await catalog.upsert(
        [replace(LELAKI, source_id="n1", title="Seperti Dendam, Rindu Harus Dibayar Tuntas")]
    )
    shown = await chat.say("/new")
    assert "Baru di perpustakaan" in shown
    assert "Seperti Dendam" in shown and "Cantik Itu Luka" not in shown
    assert "Tidak ada buku baru dalam 1 hari terakhir." not in await chat.say("/baru 60")


def test_sample_catalog_in_a_fresh_chat(tmp_path) -> None:
    """A fresh database gets the bundled catalog: /book laskar pelangi and /new answer at once."""
    from tests.bot.adapters.test_console import pustaka
    from tests.conftest import write_config

    write_config(tmp_path, sample=True)
    done = pustaka("chat", cwd=tmp_path, stdin=b"/book laskar pelangi\n/new\n")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "Laskar Pelangi — Andrea Hirata (2005)" in out
    assert "di rak" in out or "Dipinjam sampai" in out
    assert "Baru di perpustakaan" in out


async def test_other_features_answer_the_catalog(make_chat, catalog) -> None:
    """What /buku asks for and lacks reaches /wanted (the recommend feature), and the card it
    opens carries members' ratings after the catalog's own fields (the shelf feature)."""
    reader = make_chat(user="ani")
    await reader.say("/buku Laut Bercerita Jilid Dua")
    lelaki = await catalog.store.fetchval("SELECT id FROM books WHERE title = 'Lelaki Harimau'")
    await reader.say(f"/buku #{lelaki}")  # every copy on loan
    await make_chat(user="budi").say("/buku lelaki harimau")
    listed = await make_chat(user="pustakawan", moderator=True).say("/wanted")
    assert "Laut Bercerita Jilid Dua — tidak ada di perpustakaan; dicari 1 anggota" in listed
    assert "Lelaki Harimau — semua eksemplar sedang dipinjam; dicari 2 anggota (2 kali)" in listed

    await make_chat(user="budi").say("/rate Cantik Itu Luka 4 Memikat")
    card = await reader.say("/buku cantik itu luka")
    assert card.index("realisme magis") < card.index("Nilai dari anggota\n4,0 dari 5 menurut 1")
    assert card.index("Nilai dari anggota") < card.index("“Memikat” — budi ★★★★☆")


async def test_a_book_without_an_author_prints_cleanly(chat: Chat, app: App) -> None:
    """Chronicles have no author: "Ipatʹevskaia letopisʹ (1908)" in a list and on its card,
    never a dash before nothing, nor after a title without author or year; found as members
    type the title, without the prime."""
    feature = next(f for f in app.services.registry.features if f.name == "catalog")
    ipatiev = Record("marc", "psrl2", "Ipatʹevskaia letopisʹ", year=1908, language="ru")
    laurentian = Record("marc", "psrl1", "Lavrentʹevskaia letopisʹ", language="ru")
    await feature.catalog.upsert([ipatiev, laurentian, CANTIK])
    listed = await chat.say("/buku letopis")
    assert "1. Ipatʹevskaia letopisʹ (1908)\n" in listed
    assert "2. Lavrentʹevskaia letopisʹ\n" in listed
    assert "—" not in listed
    card = await chat.say("/book ipatevskaia letopis")
    assert card.startswith("Ipatʹevskaia letopisʹ (1908)\n")
    assert "—" not in card


def test_buttons_and_titles_join_a_byline_without_an_author() -> None:
    """A club's vote button and a card title: no dash when the byline has no author."""
    assert titled("Ipatʹevskaia letopisʹ", "(1908)") == "Ipatʹevskaia letopisʹ (1908)"
    assert headline("Lavrentʹevskaia letopisʹ", "") == "Lavrentʹevskaia letopisʹ"
    assert headline("Cantik Itu Luka", "Eka Kurniawan (2002)") == (
        "Cantik Itu Luka — Eka Kurniawan (2002)"
    )
