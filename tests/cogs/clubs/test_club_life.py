"""A reading club's whole life in the console: create, join, plan, weekly prompts, progress,
the board, a tied vote and the next book, history."""

from __future__ import annotations

from collections.abc import Callable

from bot.api.context import Incoming
from bot.catalog.records import Record
from bot.catalog.store import Catalog
from bot.config import Config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.conftest import Chat
from tests.fakes.running import run_due as run_jobs

DAY = 86400


async def test_a_club_from_creation_to_its_next_book(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """Everything a club goes through, as the members see it."""
    # The fake clock starts on Monday 5 January 2026, 10:00 WIB.
    librarian = make_chat(user="pustakawan", moderator=True)
    opened = await librarian.say('/club create "Klub Sastra" "Bumi Manusia" "" 3')
    room, answer = opened.split("Klub Sastra resmi dibuka")
    assert room.startswith("[#Klub Sastra]")  # the club's own room, headed by its name
    assert "Klub Sastra: Bumi Manusia — Pramoedya Ananta Toer (1980)" in room
    assert "▸ Minggu ke-1 · 5 Jan 2026 · 0–33%" in room
    assert "Minggu ke-3 · 19 Jan 2026 · 66–100%" in room
    assert "Mari berdiskusi:" in room  # the first prompt, in the room at once
    assert "Bumi Manusia dibaca selama 3 minggu" in answer
    assert "Gabung klub  → /club join #1" in answer

    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    assert "Selamat datang di Klub Sastra, sari!" in await sari.say("/club join Klub Sastra")
    assert "Anda sudah menjadi anggota Klub Sastra." in await sari.say("/club join #1")
    assert "Anda bukan anggota Klub Sastra." in await budi.say("/club leave klub sastra")
    assert "Selamat datang" in await budi.say("/club join klub")  # the start of a name will do

    planned = await librarian.say("/club plan #1 chapters 12")
    assert "Minggu ke-2 · 12 Jan 2026 · bab 5–8" in planned
    met = await librarian.say("/club meet #1 setiap Kamis 19.30")
    assert "Klub Sastra bertemu lagi pada Kamis, 8 Januari 2026, 19.30 WIB." in met

    noted = await sari.say("/club progress bab 6 Minke dan Annelies akhirnya bertemu")
    assert "Dicatat: bab 6 (50%) dari Bumi Manusia." in noted
    assert "lebih cepat dari jadwal" in noted
    assert "Dicatat: halaman" not in await budi.say("/club progress 3 Seru!")
    board = await budi.say("/club board")
    assert "Minggu ini (minggu ke-1 dari 3): bab 1–4." in board
    assert "1. sari — bab 6 · minggu ke-2 · [spoiler, disembunyikan]" in board
    assert "Minke" not in board  # a note from beyond this week stays hidden
    assert "2. budi — bab 3 · minggu ke-1 · “Seru!”" in board
    assert "Belum mulai: pustakawan" in board

    start = budi.output.tell()
    await run_jobs(app, clock, 7 * DAY)  # Monday 12 January: week 2 opens by itself
    week2 = budi.printed_since(start)
    assert "[#Klub Sastra]" in week2
    assert "Klub Sastra — minggu ke-2 dari 3" in week2
    assert "Minggu ini: bab 5–8 dari Bumi Manusia, sampai 19 Jan 2026." in week2
    assert "Pertemuan berikutnya: Kamis, 15 Januari 2026, 19.30 WIB." in week2
    await run_jobs(app, clock, 0)
    assert budi.printed_since(start).count("minggu ke-2 dari 3") == 1  # once only

    lonely = await librarian.say("/club vote Cantik Itu Luka")
    assert "butuh paling sedikit dua buku" in lonely
    start = budi.output.tell()  # the console prints posts to rooms in the newest chat
    opened_vote = await librarian.say(
        "/club vote Cantik Itu Luka | Laut Bercerita | sampai Rabu jam 20.00"
    )
    assert "dibuka di ruang Klub Sastra sampai Rabu, 14 Januari 2026, 20.00 WIB" in opened_vote
    poll = budi.printed_since(start)
    assert "📊 Buku berikutnya untuk Klub Sastra?" in poll
    assert "[1] Cantik Itu Luka — Eka Kurniawan (2002)  → /club ballot 1 #1" in poll
    assert "[2] Laut Bercerita — Leila S. Chudori (2017)  → /club ballot 2 #1" in poll
    assert "Bila ada suara seri, buku yang disebut lebih dulu yang menang." in poll
    assert "sudah punya pemungutan suara" in await librarian.say(
        "/club vote Cantik Itu Luka | Laut Bercerita"
    )
    assert "Pilihan Anda untuk Klub Sastra: Laut Bercerita." in await sari.say("/club ballot 2")
    assert "Cantik Itu Luka" in await budi.say("/club ballot 1 #1")  # the poll's own command
    assert "pilih nomor 1 sampai 2" in await budi.say("/club ballot 3")

    start = budi.output.tell()
    await run_jobs(app, clock, 2 * DAY + 10 * 3600)  # Wednesday 20:00 WIB: the vote closes
    result = budi.printed_since(start)
    assert "Klub Sastra: pemungutan suara ditutup" in result
    assert "1. Cantik Itu Luka — 1 suara" in result
    assert "2. Laut Bercerita — 1 suara" in result
    assert (
        "Suara seri antara Cantik Itu Luka, Laut Bercerita: Cantik Itu Luka menang, karena "
        "menurut aturan seri buku yang disebut lebih dulu yang menang."
    ) in result
    assert "Klub Sastra: Cantik Itu Luka — Eka Kurniawan (2002)" in result  # the next book
    assert "▸ Minggu ke-1 · 14 Jan 2026 · 0–33%" in result
    assert "Pemungutan suara ini sudah ditutup." in await sari.say("/club ballot 1 #1")

    await run_jobs(app, clock, 5 * DAY)  # Monday 19 January: the old plan's week 3 never comes
    assert "bab 9–12" not in budi.printed_since(start)

    history = await sari.say("/club history")
    assert "1. Bumi Manusia — 5 Jan 2026 – 14 Jan 2026 · 0 orang tamat" in history
    assert "2. Cantik Itu Luka — sedang dibaca, sejak 14 Jan 2026" in history
    assert "dipilih lewat pemungutan suara" in history
    start = budi.output.tell()
    assert "tetap tercatat di /club history" in await librarian.say("/club end Klub Sastra")
    assert "Klub Sastra sudah selesai. Terima kasih sudah membaca bersama!" in (
        budi.printed_since(start)
    )
    assert "Belum ada klub baca di sini." in await sari.say("/club list")
    assert "sudah selesai" in await sari.say("/club history Klub Sastra")


async def test_clear_messages_for_mistakes(make_chat: Callable[..., Chat]) -> None:
    """A name already taken, members creating clubs, unknown books and clubs, bad places."""
    librarian = make_chat(user="pustakawan", moderator=True)
    sari = make_chat(user="sari")
    assert "Di sini hanya moderator yang bisa membuat klub" in await sari.say(
        '/club create "Klub Puisi" "Aku"'
    )
    assert "semua anggota bisa membuat klub" in await librarian.say("/club creators members")
    assert "Klub Puisi resmi dibuka" in await sari.say('/club create "Klub Puisi" "Laut Bercerita"')
    taken = await librarian.say('/club create "klub puisi" "Cantik Itu Luka"')
    assert "Sudah ada klub bernama klub puisi di sini" in taken
    assert "Katalog tidak punya buku yang cocok dengan “zzqx”" in await librarian.say(
        '/club create "Klub Baru" "zzqx"'
    )
    assert "Tidak ada klub “Klub Prosa”" in await sari.say("/club join Klub Prosa")
    assert "tidak bisa membaca “kemarin dulu sekali”" in await sari.say(
        "/club progress kemarin dulu sekali"
    )
    assert "belum tahu jumlah halaman Laut Bercerita" in await sari.say("/club progress 120")
    assert "Persen paling besar 100." in await sari.say("/club progress 120%")
    assert "Dicatat: 45% dari Laut Bercerita." in await sari.say("/club progress 45%")
    budi = make_chat(user="budi")
    assert "Anda bukan anggota Klub Puisi" in await budi.say("/club progress 10%")
    assert "Hanya moderator dan pembuat klub" in await budi.say("/club plan #1 pages 300")
    assert "Minggu ke-4" in await sari.say("/club plan #1 pages 300")  # the creator may
    assert "Laut Bercerita hanya 300 halaman." in await sari.say("/club progress hal 301")
    assert "tercantum dua kali" in await sari.say("/club vote Cantik Itu Luka | cantik itu luka")


async def test_prompts_come_at_each_section_start(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """A club starting later gets its first prompt at the start, then one a week, each once."""
    librarian = make_chat(user="pustakawan", moderator=True)
    opened = await librarian.say('/club create "Klub Malam" "Laut Bercerita" "Kamis jam 19.00" 2')
    assert "Pertanyaan diskusi pertama datang pada Kamis, 8 Januari 2026, 19.00 WIB." in opened
    assert "Mari berdiskusi" not in opened
    written = await librarian.say("/club prompt #1 2 Apa arti laut bagi para tokoh?")
    assert "Pertanyaan untuk minggu ke-2 di Klub Malam sudah disimpan." in written
    start = librarian.output.tell()
    await run_jobs(app, clock, 3 * DAY + 8 * 3600)  # Thursday 18:00: not yet
    assert "Mari berdiskusi" not in librarian.printed_since(start)
    await run_jobs(app, clock, 3600)
    first = librarian.printed_since(start)
    assert "Klub Malam — minggu ke-1 dari 2" in first
    assert first.count("Mari berdiskusi") == 1
    await run_jobs(app, clock, 7 * DAY)
    second = librarian.printed_since(start)
    assert "Klub Malam — minggu ke-2 dari 2" in second
    assert "Mari berdiskusi: Apa arti laut bagi para tokoh?" in second
    assert "sudah berjalan" in await librarian.say("/club prompt #1 2 Pertanyaan lain")
    await run_jobs(app, clock, 30 * DAY)
    assert librarian.printed_since(start).count("Mari berdiskusi") == 2


async def test_board_order(make_chat: Callable[..., Chat]) -> None:
    """Furthest first; at the same place, who got there first; not started last."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/club create "Klub Pagi" "Cantik Itu Luka" "" 4')
    await librarian.say("/club plan #1 pages 400")
    readers = {name: make_chat(user=name) for name in ("ani", "budi", "citra", "dodi")}
    for chat in readers.values():
        await chat.say("/club join #1")
    await readers["budi"].say("/club progress 50")
    await readers["ani"].say("/club progress 25%")  # page 100: ahead of budi
    await readers["citra"].say("/club progress hal 50")  # budi's page, but later
    board = await librarian.say("/club board Klub Pagi")
    order = [line.split(" — ")[0] for line in board.splitlines() if line[:1].isdigit()]
    assert order == ["1. ani", "2. budi", "3. citra"]
    assert "Belum mulai: pustakawan, dodi" in board


async def test_autocomplete_offers_catalog_books_and_clubs(
    app: App, make_chat: Callable[..., Chat]
) -> None:
    """Book suggestions choose the very book (#id); a vote keeps the books typed before."""
    dispatcher = app.dispatcher
    incoming = Incoming("console", "sari", "sari", "console", "", community_id="console")
    create = app.services.registry.find("club create")
    vote = app.services.registry.find("club vote")
    assert create is not None and vote is not None
    books = await dispatcher.autocomplete(incoming, create, "book", "bumi manu")
    assert books[0].label == "Bumi Manusia — Pramoedya Ananta Toer (1980)"
    assert books[0].value.startswith("#")
    picked = await dispatcher.autocomplete(incoming, vote, "books", f"{books[0].value} | cantik")
    assert picked[0].value.startswith(f"{books[0].value} | #")
    assert picked[0].label == "Bumi Manusia | Cantik Itu Luka"
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "resmi dibuka" in await librarian.say('/club create "Klub Sastra" "Bumi Manusia"')
    join = app.services.registry.find("club join")
    assert join is not None
    clubs = await dispatcher.autocomplete(incoming, join, "club", "sas")
    assert [c.value for c in clubs] == ["Klub Sastra"]


async def test_a_restart_loses_no_prompt_and_no_vote(config: Config, clock: FakeClock) -> None:
    """Weekly prompts and a vote's closing live in the database, not in the running process."""
    first = await App.open(config, clock=clock)
    try:
        librarian = Chat(first, user="pustakawan", moderator=True)
        await librarian.say('/club create "Klub Malam" "Laut Bercerita" "besok jam 19.00" 2')
        await librarian.say("/club vote Cantik Itu Luka | O | sampai besok jam 20.00")
    finally:
        await first.close()
    again = await App.open(config, clock=clock)
    try:
        sari = Chat(again, user="sari")
        start = sari.output.tell()
        await run_jobs(again, clock, DAY + 10 * 3600)  # Tuesday 20:00 WIB
        after = sari.printed_since(start)
        assert "Klub Malam — minggu ke-1 dari 2" in after
        assert "Klub Malam: pemungutan suara ditutup" in after
        assert "Tidak ada yang memilih, jadi klub tetap dengan bukunya." in after
    finally:
        await again.close()


async def test_which_club_when_it_is_not_clear(make_chat: Callable[..., Chat]) -> None:
    """With two clubs and no club's room, the member is shown how to name the club."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/club create "Klub Pagi" "Cantik Itu Luka"')
    await librarian.say('/club create "Klub Malam" "Laut Bercerita"')
    sari = make_chat(user="sari")
    board = await sari.say("/club board")
    assert "Klub yang mana?" in board
    assert "/club board Klub Pagi" in board and "Klub Pagi:" not in board
    progress = await sari.say("/club progress 50")
    assert "tulis nama klub di depan: /club progress Klub Pagi: …" in progress
    assert "Klub Malam" in await sari.say("/club board Klub Malam")


async def test_a_book_with_a_page_count_is_planned_by_pages(
    app: App, make_chat: Callable[..., Chat]
) -> None:
    """When the catalog knows the pages, the weeks are page ranges and a bare number is a page."""
    await Catalog(app.services.store, app.services.clock).upsert(
        [Record("test", "1", "Catatan Uji Klub", authors=("Penulis Uji",), pages=240)]
    )
    librarian = make_chat(user="pustakawan", moderator=True)
    opened = await librarian.say('/club create "Klub Uji" "Catatan Uji Klub" "" 4')
    assert "▸ Minggu ke-1 · 5 Jan 2026 · halaman 1–60" in opened
    assert "Minggu ke-4 · 26 Jan 2026 · halaman 181–240" in opened
    assert "Dicatat: halaman 120 (50%) dari Catatan Uji Klub." in await librarian.say(
        "/club progress 120"
    )
    many = " | ".join(f"Buku {n}" for n in range(1, 12))
    assert "Pemungutan suara paling banyak 10 buku." in await librarian.say(f"/club vote {many}")


async def test_a_vote_closing_while_the_platform_is_down_is_announced_once(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """The vote closes while the console is not running: the result and the next book's welcome
    are posted once it runs again, once each, and the winner is started once."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/club create "Klub Malam" "Laut Bercerita"')
    await librarian.say("/club vote Cantik Itu Luka | O | sampai besok jam 20.00")
    assert "Klub Malam" in await make_chat(user="sari").say("/club ballot 1")
    app.services.messenger.unregister("console")
    await run_jobs(app, clock, DAY + 10 * 3600)  # Tuesday 20:00 WIB: the vote closes
    budi = make_chat(user="budi")  # the console runs again
    await run_jobs(app, clock, 61)
    await run_jobs(app, clock, 3600)
    shown = budi.printed_since(0)
    assert shown.count("Klub Malam: pemungutan suara ditutup") == 1
    assert shown.count("Cantik Itu Luka menang dan menjadi buku klub berikutnya.") == 1
    assert shown.count("Klub Malam: Cantik Itu Luka — Eka Kurniawan") == 1
    readings = await app.services.store.fetchval("SELECT count(*) FROM club_readings")
    assert readings == 2  # Laut Bercerita, then the winner once
