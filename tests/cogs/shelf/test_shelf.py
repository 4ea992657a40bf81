"""/shelf, /rate and /suggest in the console, on the bundled sample catalog."""

from __future__ import annotations

from bot.catalog.store import Catalog
from bot.time.clock import FakeClock
from tests.cogs.sample_catalog import book_titled
from tests.conftest import Chat


async def test_shelf_add_in_every_status_and_show(chat: Chat) -> None:
    """Books go on the shelf as want, reading or read (English or Indonesian words); /shelf
    shows them by status."""
    assert "Bumi Manusia ada di rak Anda: ingin dibaca." in await chat.say(
        "/shelf add Bumi Manusia"
    )
    assert "sedang dibaca" in await chat.say("/shelf add Cantik Itu Luka sedang")
    done = await chat.say("/shelf add Laskar Pelangi read")
    assert "Laskar Pelangi ada di rak Anda: sudah dibaca." in done
    assert "Beri nilai  → /rate #" in done
    assert "memang sudah ada" in await chat.say("/shelf add Laskar Pelangi selesai")
    shelf = await chat.say("/shelf")
    assert "Rak baca sari" in shelf
    reading = shelf.index("Sedang dibaca")
    wanted = shelf.index("Ingin dibaca")
    read = shelf.index("Sudah dibaca")
    assert reading < shelf.index("Cantik Itu Luka") < wanted < shelf.index("Bumi Manusia") < read
    assert shelf.index("Laskar Pelangi") > read


async def test_another_members_shelf(make_chat) -> None:
    """/shelf <name> shows another member's shelf; an unknown name is said so."""
    budi = make_chat(user="budi")
    await budi.say("/rate Ronggeng Dukuh Paruk 4")
    sari = make_chat(user="sari")
    shown = await sari.say("/shelf budi")
    assert "Rak baca budi" in shown and "• Ronggeng Dukuh Paruk ★★★★☆" in shown
    assert "Saya tidak mengenal anggota bernama nobody di sini." in await sari.say("/shelf nobody")
    assert "Rak Anda masih kosong." in await sari.say("/shelf")


async def test_shelf_add_unknown_or_ambiguous_book(chat: Chat, catalog: Catalog) -> None:
    """A book that matches nothing is said so with suggestions; several give a choice that
    keeps the status."""
    missing = await chat.say("/shelf add Laskar Pelangiii read")
    assert "Perpustakaan tidak punya buku berjudul “Laskar Pelangiii”." in missing
    assert "→ /shelf add Laskar Pelangi read" in missing
    several = await chat.say("/shelf add ayat cinta reading")
    ayat = await book_titled(catalog, "Ayat-Ayat Cinta")
    assert f"→ /shelf add #{ayat.id} reading" in several


async def test_rating_and_review_appear_on_the_book_card(make_chat) -> None:
    """/rate keeps the stars and review; /book shows the average and the latest reviews."""
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    rated = await sari.say("/rate Bumi Manusia 5 Luar biasa, wajib dibaca")
    assert "Anda memberi Bumi Manusia ★★★★★." in rated
    assert "Ulasan Anda tampil bersama bukunya di /book." in rated
    await budi.say("/rate Bumi Manusia 4")
    card = await budi.say("/book bumi manusia")
    assert "Nilai dari anggota\n4,5 dari 5 menurut 2 anggota" in card
    assert "“Luar biasa, wajib dibaca” — sari ★★★★★" in card
    english = await make_chat(user="tom", locale="en").say("/book bumi manusia")
    assert "Members' rating\n4.5 of 5 from 2 members" in english
    assert "Sudah dibaca\n• Bumi Manusia ★★★★★" in await sari.say("/shelf")


async def test_rate_finds_the_stars_after_the_title(chat: Chat) -> None:
    """A title with a number in it is still told from the stars; quotes work too."""
    shown = await chat.say("/rate Negeri 5 Menara 4 Seru sekali")
    assert "Anda memberi Negeri 5 Menara ★★★★☆." in shown
    assert "Anda memberi Negeri 5 Menara ★★★☆☆." in await chat.say('/rate "Negeri 5 Menara" 3')


async def test_rate_without_stars_or_with_bad_stars(chat: Chat) -> None:
    """Missing or out-of-range stars say which part is wrong, with the usage: a book, the
    stars and a review."""
    missing = await chat.say("/rate Bumi Manusia")
    assert "“bintang” belum diisi." in missing
    assert "/rate <buku> <bintang> [ulasan]" in missing
    assert "“bintang” harus antara 1 dan 5." in await chat.say("/rate Bumi Manusia 9")
    assert "“buku” belum diisi." in await chat.say("/rate")


async def test_suggest_with_upvotes_and_the_months_favourites(make_chat, clock: FakeClock) -> None:
    """A suggestion posts the book's card with an upvote button; members upvote it once (not
    their own); /suggest top shows this month's favourites."""
    sari, budi, citra = make_chat(user="sari"), make_chat(user="budi"), make_chat(user="citra")
    posted = await sari.say("/suggest Cantik Itu Luka Wajib dibaca!")
    assert "Cantik Itu Luka — Eka Kurniawan (2002)" in posted
    assert "sari merekomendasikan buku ini: “Wajib dibaca!”" in posted
    assert "Dukung (0)  → /suggest vote 1" in posted and "— Usulan #1" in posted
    await budi.say('/suggest "Laut Bercerita" Bikin merinding')
    assert "Anda tidak bisa mendukung usulan Anda sendiri." in await sari.say("/suggest vote 1")
    assert "Cantik Itu Luka kini punya 1 dukungan." in await budi.say("/suggest vote 1")
    assert "Anda sudah mendukung Cantik Itu Luka." in await budi.say("/suggest vote 1")
    assert "Cantik Itu Luka kini punya 2 dukungan." in await citra.say("/suggest vote 1")
    assert "Tidak ada usulan #9 di sini." in await citra.say("/suggest vote 9")
    top = await citra.say("/suggest top")
    assert "Favorit bulan ini" in top
    assert top.index("Cantik Itu Luka — diusulkan sari, 2 dukungan") < top.index(
        "Laut Bercerita — diusulkan budi, 0 dukungan"
    )
    assert "“Bikin merinding”" in top
    await clock.advance(40 * 86400)
    assert "Belum ada usulan bulan ini." in await citra.say("/suggest top")


async def test_suggest_post_is_the_same_as_suggest(chat: Chat) -> None:
    """/suggest post (the form Discord shows) posts a suggestion like /suggest."""
    posted = await chat.say("/suggest post Bumi Manusia")
    assert "sari merekomendasikan buku ini" in posted and "→ /suggest vote 1" in posted


async def test_rate_and_suggest_an_unknown_or_ambiguous_book(chat: Chat, catalog: Catalog) -> None:
    """/rate and /suggest with a book matching several offer each, keeping the stars, review or
    note; a book matching nothing is said so."""
    ayat = await book_titled(catalog, "Ayat-Ayat Cinta")
    several = await chat.say("/rate ayat cinta 4 Menyentuh")
    assert "Ada beberapa buku yang cocok dengan “ayat cinta”. Yang mana?" in several
    assert f"→ /rate #{ayat.id} 4 Menyentuh" in several
    chosen = await chat.say(f"/rate #{ayat.id} 4 Menyentuh")
    assert "Anda memberi Ayat-Ayat Cinta ★★★★☆." in chosen
    missing = await chat.say('/suggest "Kitab Omong Kosong Jilid Lima" Bagus')
    assert "Perpustakaan tidak punya buku berjudul “Kitab Omong Kosong Jilid Lima”." in missing
    assert "Usulan #" not in missing


async def test_wanted_books_the_library_lacks_are_unmet_demand(make_chat) -> None:
    """A book a member wants on their shelf, or suggests, that the library lacks is counted in
    /wanted; a book rated (read elsewhere) is not."""
    await make_chat(user="ani").say("/shelf add Kitab Omong Kosong Jilid Lima")
    await make_chat(user="budi").say('/suggest "Kitab Omong Kosong Jilid Lima" Seru')
    await make_chat(user="citra").say("/rate Buku Yang Tidak Ada Sama Sekali 5")
    listed = await make_chat(user="pustakawan", moderator=True).say("/wanted")
    assert (
        "1. Kitab Omong Kosong Jilid Lima — tidak ada di perpustakaan; dicari 2 anggota (2 kali)"
        in listed
    )
    assert "Buku Yang Tidak Ada" not in listed


async def test_rating_a_book_being_read_keeps_it_reading(make_chat) -> None:
    """Issue 17: a rating given half-way does not move the book to "read"; one not on the shelf
    or only wanted is read once rated."""
    sari = make_chat()
    await sari.say("/shelf add Laskar Pelangi reading")
    await sari.say("/shelf add Bumi Manusia want")
    await sari.say("/rate Laskar Pelangi 4 Seru sejauh ini")
    await sari.say("/rate Bumi Manusia 5")
    shelf = await sari.say("/shelf")
    assert "Sedang dibaca\n• Laskar Pelangi ★★★★☆\n" in shelf
    assert "Sudah dibaca\n• Bumi Manusia ★★★★★\n" in shelf
    ann = make_chat(user="ann", locale="en")
    await ann.say("/shelf add Laskar Pelangi reading")
    await ann.say("/rate Laskar Pelangi 3")
    assert "Reading now\n• Laskar Pelangi ★★★☆☆\n" in await ann.say("/shelf")
