"""/book forgives typos (issue 17): "Maksud Anda …?" with the books, on the sample catalog."""

from __future__ import annotations

from dataclasses import replace

from bot.catalog.records import Copy, CopyStatus, Record
from bot.catalog.store import Catalog
from tests.cogs.sample_catalog import catalog, config

__all__ = ["catalog", "config"]

KURA = Record(
    "library",
    "k1",
    "Kura-Kura Berjanggut",
    ("Azhari Aiyub",),
    ("sastra Indonesia",),
    year=2018,
    copies=(Copy("L1", "899.221 AIY k", "Rak Sastra", CopyStatus.AVAILABLE),),
)


async def test_misspelt_author(make_chat, catalog) -> None:
    """`/buku pramudya` finds Pramoedya Ananta Toer's books, asking whether he was meant, each
    book a button."""
    shown = await make_chat().say("/buku pramudya")
    assert shown.startswith("Maksud Anda “pramoedya”?")
    assert "Pramoedya Ananta Toer" in shown
    assert "→ /book #" in shown
    assert "Lainnya  → /books 2 pramoedya" in shown


async def test_misspelt_title(make_chat, catalog) -> None:
    """`/buku bumi manusa` finds Bumi Manusia; its button opens the card."""
    chat = make_chat()
    shown = await chat.say("/buku bumi manusa")
    assert shown.startswith("Maksud Anda “bumi manusia”?")
    assert "1. Bumi Manusia — Pramoedya Ananta Toer (1980)" in shown
    assert "[1] Bumi Manusia — Pramoedya Ananta Toer  → /book #" in shown
    opened = await chat.say("1")
    assert "Bumi Manusia — Pramoedya Ananta Toer (1980)" in opened
    assert "nomor panggil" in opened


async def test_english(make_chat, catalog) -> None:
    """In English: a swapped pair of letters and a dropped one are forgiven too."""
    tom = make_chat(user="tom", locale="en")
    shown = await tom.say("/book laskar pleangi")
    assert shown.startswith("Did you mean “laskar pelangi”?")
    assert "Laskar Pelangi — Andrea Hirata (2005)" in shown
    shown = await tom.say("/book bumi manusa")
    assert shown.startswith("Did you mean “bumi manusia”?")
    nothing = await tom.say("/book qwxyz")
    assert "The library has nothing matching “qwxyz”" in nothing


async def test_typos_are_not_wanted(make_chat, catalog) -> None:
    """/wanted counts only what still found nothing after the typos were forgiven."""
    ani = make_chat(user="ani")
    await ani.say("/buku pramudya")
    await ani.say("/buku bumi manusa")
    liked = await ani.say("/recommend like bumi manusa")
    assert "Bumi Manusia  → /recommend like Bumi Manusia" in liked
    shelved = await ani.say("/shelf add laskar pelangu")
    assert "Laskar Pelangi  → /shelf add Laskar Pelangi want" in shelved
    await ani.say("/buku Kitab Omong Kosong Jilid Lima")
    listed = await make_chat(user="pustakawan", moderator=True).say("/wanted")
    assert "Kitab Omong Kosong Jilid Lima — tidak ada di perpustakaan" in listed
    assert "pramudya" not in listed and "manusa" not in listed and "pelangu" not in listed


async def test_new_books_are_forgiven_too(make_chat, catalog: Catalog) -> None:
    """The words searched are those of the catalog as it is now: after an import a misspelt new
    title is found; once the book is gone its words are no longer offered."""
    chat = make_chat()
    assert "tidak punya apa pun" in await chat.say("/buku berjangut")
    await catalog.upsert([KURA])
    shown = await chat.say("/buku berjangut")
    assert shown.startswith("Maksud Anda “berjanggut”?")
    assert "Kura-Kura Berjanggut — Azhari Aiyub (2018)" in shown
    await catalog.upsert([replace(KURA, authors=("A. Aiyub",))])  # changed, same title
    assert "Kura-Kura Berjanggut — A. Aiyub" in await chat.say("/buku berjangut")
    await catalog.upsert([replace(KURA, title="Kura-Kura")])
    assert "tidak punya apa pun" in await chat.say("/buku berjangut")
    await catalog.upsert([KURA])
    assert await catalog.remove("library", ["k1"]) == 1
    assert "tidak punya apa pun" in await chat.say("/buku berjangut")
    left = await catalog.store.fetchval(
        "SELECT count(*) FROM catalog_words WHERE word IN ('berjanggut', 'azhari', 'aiyub')"
    )
    assert left == 0
