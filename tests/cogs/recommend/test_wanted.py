"""Unmet demand: searches the library could not satisfy, /wanted, and the CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.catalog.store import Catalog
from bot.process.app import App
from cogs.recommend.demand import export_wanted
from tests.conftest import Chat


async def first_all_on_loan(catalog: Catalog) -> str:
    """The title of a sample book whose every copy is on loan."""
    title = await catalog.store.fetchval(
        "SELECT title FROM books WHERE available = 0 AND copies > 0"
        " AND NOT EXISTS (SELECT 1 FROM copies WHERE book_id = books.id AND status != 'on_loan')"
        " AND title NOT LIKE '%(%' ORDER BY id LIMIT 1"
    )
    assert title
    return title


async def test_unmet_searches_are_listed_for_moderators(make_chat, catalog: Catalog) -> None:
    """Titles not in the library and books with every copy on loan are recorded from /book and
    /recommend like; /wanted lists the most asked-for first, for moderators only."""
    on_loan = await first_all_on_loan(catalog)
    for name in ("ani", "budi", "citra"):
        reader = make_chat(user=name)
        assert "tidak punya apa pun" in await reader.say("/book Laut Bercerita Jilid Dua")
    await make_chat(user="ani").say("/book Laut Bercerita Jilid Dua")
    await make_chat(user="dewi").say("/recommend like Supernova Jilid Sembilan")
    shown = await make_chat(user="eka").say(f"/book {on_loan}")
    assert "Dipinjam sampai" in shown
    await make_chat(user="eka").say("/book laskar pelangi")  # on the shelf: nothing recorded

    refused = await make_chat(user="ani").say("/wanted")
    assert "Hanya moderator" in refused
    listed = await make_chat(user="pustakawan", moderator=True).say("/wanted")
    assert "Paling dicari" in listed
    assert (
        "1. Laut Bercerita Jilid Dua — tidak ada di perpustakaan; dicari 3 anggota (4 kali)"
        in listed
    )
    assert f"{on_loan} — semua eksemplar sedang dipinjam; dicari 1 anggota (1 kali)" in listed
    assert "Supernova Jilid Sembilan — tidak ada di perpustakaan" in listed
    assert "Laskar Pelangi" not in listed
    assert "pustaka report wanted --csv FILE" in listed


async def test_nothing_wanted_yet(make_chat) -> None:
    """/wanted with nothing recorded says so."""
    shown = await make_chat(moderator=True).say("/wanted 30")
    assert "Tidak ada permintaan yang tak terpenuhi dalam 30 hari terakhir." in shown


async def test_csv_export(app: App, chat: Chat, tmp_path: Path) -> None:
    """`pustaka report wanted --csv FILE` writes one row a title, the most asked-for first."""
    await chat.say("/book Laut Bercerita Jilid Dua")
    await chat.say("/book Laut Bercerita Jilid Dua")
    await chat.say("/book Kitab Omong Kosong Jilid Lima")
    path = tmp_path / "wanted.csv"
    now = app.services.clock.now()
    assert await export_wanted(app.services.store, path, 365 * 30, now) == 2
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["wanted"] for r in rows] == [
        "Laut Bercerita Jilid Dua",
        "Kitab Omong Kosong Jilid Lima",
    ]
    assert rows[0]["kind"] == "missing" and rows[0]["asks"] == "2" and rows[0]["members"] == "1"


def test_report_command_line(tmp_path: Path) -> None:
    """The `pustaka report wanted` command writes the file and says how many titles."""
    from tests.bot.adapters.test_console import pustaka
    from tests.conftest import write_config

    write_config(tmp_path)
    pustaka("chat", cwd=tmp_path, stdin=b"/book Laut Bercerita Jilid Dua\n")
    done = pustaka("report", "wanted", "--csv", "out.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert "1 wanted title written to out.csv." in done.stdout.decode()
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "kind,wanted,book_id,members,asks,first_asked,last_asked"
    assert "Laut Bercerita Jilid Dua" in text


async def test_recommendations_the_library_cannot_satisfy(make_chat, catalog: Catalog) -> None:
    """/recommend on a subject the library has no books on, and /recommend like a book with every
    copy on loan, are unmet demand too; a misspelt theme (close to one) is not."""
    on_loan = await first_all_on_loan(catalog)
    shown = await make_chat(user="ani").say("/recommend dinosaurus")
    assert "Saya tidak menemukan tema atau subjek “dinosaurus”." in shown
    await make_chat(user="budi").say("/recommend fantasu")
    await make_chat(user="citra").say(f"/recommend like {on_loan}")
    listed = await make_chat(user="pustakawan", moderator=True).say("/wanted")
    assert "dinosaurus — tidak ada di perpustakaan; dicari 1 anggota (1 kali)" in listed
    assert f"{on_loan} — semua eksemplar sedang dipinjam" in listed
    assert "fantasu" not in listed


async def test_one_isbn_however_typed_and_gone_once_imported(make_chat, catalog: Catalog) -> None:
    """An ISBN with or without hyphens, as ISBN-10 or ISBN-13, is one want; once the library
    imports the book (by that ISBN, or a title asked for) it is no longer wanted."""
    from bot.catalog.records import Record

    await make_chat(user="ani").say("/buku 978-0-14-025635-2")
    await make_chat(user="budi").say("/buku 9780140256352")
    await make_chat(user="citra").say("/buku 0-14-025635-0")
    await make_chat(user="dewi").say("/buku Kitab Omong Kosong Jilid Lima")
    moderator = make_chat(user="pustakawan", moderator=True)
    listed = await moderator.say("/wanted")
    assert "1. 0-14-025635-0 — tidak ada di perpustakaan; dicari 3 anggota (3 kali)" in listed
    assert "9780140256352" not in listed and "978-0-14-025635-2" not in listed

    await catalog.upsert(
        [
            Record(
                "library",
                "p1",
                "This Earth of Mankind",
                ("Pramoedya Ananta Toer",),
                isbns=("9780140256352",),
            ),
            Record("library", "k5", "Kitab Omong Kosong Jilid Lima", ()),
        ]
    )
    listed = await moderator.say("/wanted")
    assert "0-14-025635-0" not in listed and "Kitab Omong Kosong" not in listed
    assert "Tidak ada permintaan yang tak terpenuhi" in listed
