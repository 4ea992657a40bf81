"""On the bundled sample catalog: books that share a title are told apart by their authors in
lists and buttons, and an edited book's card names its editors as such (issue 21)."""

from __future__ import annotations

import re

from tests.cogs.sample_catalog import config  # noqa: F401  (the sample catalog is loaded)
from tests.conftest import Chat


async def test_three_books_called_pulang_have_buttons_naming_their_authors(chat: Chat) -> None:
    shown = await chat.say("/buku pulang")
    buttons = dict(re.findall(r"\[\d+\] (Pulang — [^\n]+?)  → (/book #\d+)", shown))
    assert {"Pulang — Tere Liye", "Pulang — Leila S. Chudori", "Pulang — Toha Mohtar"} <= set(
        buttons
    )
    assert len(set(buttons.values())) == len(buttons)  # each opens its own book
    opened = await chat.say(buttons["Pulang — Leila S. Chudori"])
    assert "Pulang — Leila S. Chudori (2012)" in opened
    assert "Dimas Suryo" in opened


async def test_perahu_kertas_the_novel_and_the_poems(chat: Chat) -> None:
    shown = await chat.say("/buku perahu kertas")
    assert "Perahu Kertas — Dee Lestari" in shown
    assert "Perahu Kertas — Sapardi Djoko Damono" in shown


async def test_an_edited_book_names_its_editors(chat: Chat) -> None:
    shown = await chat.say("/buku sejarah nasional indonesia")
    assert (
        "Sejarah Nasional Indonesia — Sartono Kartodirdjo (ed.), Marwati Djoened Poesponegoro"
        " (ed.), Nugroho Notosusanto (ed.)"
    ) in shown
