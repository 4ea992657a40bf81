"""The bundled sample leaves when the library's own catalog arrives (issue 17, item 1): members'
shelves, ratings and clubs on a sample book follow the library's record of the same book."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.catalog.importers.commands import run_harvest, run_import, run_remove, run_sources
from bot.catalog.sample import SOURCE as SAMPLE
from bot.catalog.sources import book_count
from bot.config import load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests.bot.adapters.test_console import pustaka
from tests.cogs.sample_catalog import catalog, config
from tests.conftest import Chat, write_config
from tests.fakes.oai_pmh import FakeOAI, FakeRecord, dc

__all__ = ["catalog", "config"]

LIBRARY = Path(__file__).parents[2] / "fixtures" / "catalog" / "slims_library.csv"


async def test_the_first_import_replaces_the_sample(
    app: App, make_chat: Callable[..., Chat], capsys: pytest.CaptureFixture[str]
) -> None:
    sari = make_chat(moderator=True)
    budi = make_chat(user="budi")
    ann = make_chat(user="ann", locale="en")
    await sari.say('/club create "Klub Laskar" "Laskar Pelangi"')
    await sari.say("/shelf add Laskar Pelangi reading")
    await sari.say("/rate Negeri 5 Menara 5 Bagus sekali")
    await sari.say("/shelf add Cantik Itu Luka want")  # the library's file does not have it

    assert await run_import(app.services.config.database.target, LIBRARY) == 0
    printed = capsys.readouterr().out
    announced = printed.index("The bundled sample catalog (1,081 books with invented holdings)")
    assert announced < printed.index("Imported slims_library.csv") < printed.index("Removed")
    assert "Removed the sample catalog: 1,081 books and their copies." in printed
    assert await book_count(app.services.store, SAMPLE) == 0

    found = await budi.say("/buku laskar pelangi")
    assert found.startswith("Laskar pelangi — Andrea Hirata (2005)\n")  # one book: its card
    assert "Maryamah Karpov" not in found and "Rak Sastra" not in found
    assert (await ann.say("/book laskar pelangi")).startswith("Laskar pelangi — Andrea Hirata")

    picked = await budi.say("/recommend pesantren")
    assert picked.count("Negeri 5 menara : sebuah novel —") == 1
    assert "Negeri 5 Menara —" not in picked

    new = await budi.say("/new")
    assert new.count("→ /book #") == 3 and "Watching the English" not in new
    assert all(title in new for title in ("Laskar pelangi", "Negeri 5 menara", "Bumi manusia"))

    shelf = await sari.say("/shelf")
    assert "Laskar pelangi" in shelf and "Cantik Itu Luka" not in shelf
    assert "Sedang dibaca\n• Laskar pelangi\n" in shelf
    card = await budi.say("/buku negeri 5 menara")
    assert "★★★★★" in card and "Bagus sekali" in card  # the rating followed the book

    club = await sari.say("/club show #1")
    assert "Klub Laskar: Laskar Pelangi — Andrea Hirata" in club  # the club keeps its title
    assert "2 dari 2 eksemplar ada di rak — nomor panggil 899.221 HIR l\n" in club  # library's
    another = await sari.say('/club create "Klub Dua" "Laskar Pelangi"')
    assert "Klub Dua resmi dibuka: Laskar pelangi dibaca" in another


async def test_the_first_harvest_replaces_the_sample_too(
    app: App, make_chat: Callable[..., Chat], capsys: pytest.CaptureFixture[str]
) -> None:
    chat = make_chat(locale="en")
    await chat.say("/shelf add Laskar Pelangi want")
    with FakeOAI(page_size=1) as oai:
        laskar = dc("Laskar pelangi", creators=("Hirata, Andrea",))
        oai.add(FakeRecord("oai:p:1", "2026-01-02", laskar))
        assert await run_harvest(app.services.config.database.target, oai.url) == 0
    printed = capsys.readouterr().out
    assert printed.index("will be removed after this") < printed.index("Removed the sample")
    assert await book_count(app.services.store, SAMPLE) == 0
    assert "Wants to read\n• Laskar pelangi\n" in await chat.say("/shelf")
    assert (await chat.say("/book laskar pelangi")).startswith("Laskar pelangi — Andrea Hirata")


async def test_an_import_of_nothing_keeps_the_sample(
    app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file whose every row is broken adds nothing: the sample stays, and it is said."""
    broken = tmp_path / "broken.csv"
    header = LIBRARY.read_text(encoding="utf-8").splitlines()[0]
    broken.write_text(header + '\n"";"Text"' + ";" * 16 + "\n", encoding="utf-8")
    assert await run_import(app.services.config.database.target, broken) == 0
    assert "the sample catalog stays" in capsys.readouterr().out
    assert await book_count(app.services.store, SAMPLE) == 1081


async def test_sources_are_listed_and_one_is_removed(
    app: App, make_chat: Callable[..., Chat], capsys: pytest.CaptureFixture[str]
) -> None:
    database = app.services.config.database.target
    await run_import(database, LIBRARY, source="perpustakaan-kota")
    capsys.readouterr()
    await run_sources(database)
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "perpustakaan-kota          3 books          4 copies",
    ]
    assert await run_remove(database, "sample") == 2  # already gone with the first import
    assert "no books come from 'sample'; sources: perpustakaan-kota" in capsys.readouterr().err
    chat = make_chat()
    await chat.say("/shelf add Laskar Pelangi read")
    assert await run_remove(database, "perpustakaan-kota") == 0
    assert "Removed 'perpustakaan-kota': 3 books" in capsys.readouterr().out
    assert "Rak Anda masih kosong" in await chat.say("/shelf")
    assert not (await chat.say("/buku laskar pelangi")).startswith("Laskar")


async def test_sample_false_removes_it_at_start_and_it_is_not_loaded_again(
    tmp_path: Path, clock: FakeClock
) -> None:
    """`[catalog] sample = false` set after a while: the sample goes at the next start; a club
    on a sample book keeps its title and the shelf works; the default does not bring it back."""
    with_sample = load_config(write_config(tmp_path, sample=True), env={})
    app = await App.open(with_sample, clock=clock)
    try:
        chat = Chat(app, moderator=True)
        await chat.say('/club create "Klub Laskar" "Laskar Pelangi"')
        await chat.say("/shelf add Bumi Manusia reading")
    finally:
        await app.close()
    app = await App.open(load_config(write_config(tmp_path), env={}), clock=clock)
    try:
        assert await book_count(app.services.store, SAMPLE) == 0
        chat = Chat(app, moderator=True)
        assert "Rak Anda masih kosong" in await chat.say("/shelf")
        assert "Klub Laskar: Laskar Pelangi — Andrea Hirata" in await chat.say("/club show #1")
        assert "Laskar Pelangi" in await chat.say("/club list")
    finally:
        await app.close()
    app = await App.open(with_sample, clock=clock)
    try:
        assert await app.services.store.fetchval("SELECT count(*) FROM books") == 0
    finally:
        await app.close()


def test_on_a_terminal_the_librarian_is_asked(tmp_path: Path) -> None:
    """A librarian at a terminal may keep the sample; piped, the import states it and goes on."""
    write_config(tmp_path, sample=True)
    assert pustaka("chat", cwd=tmp_path).returncode == 0  # the first start loads the sample
    library = tmp_path / "slims.csv"
    library.write_bytes(LIBRARY.read_bytes())
    main, terminal = pty.openpty()
    try:
        os.write(main, b"tidak\n")
        kept = subprocess.run(
            [sys.executable, "-m", "bot", "catalog", "import", str(library)],
            cwd=tmp_path,
            stdin=terminal,
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
        )
    finally:
        os.close(main)
        os.close(terminal)
    said = kept.stdout.decode()
    assert kept.returncode == 0, kept.stderr.decode()
    assert "Remove it after this import? [Y/n]" in said
    assert "The sample stays; remove it later with `pustaka catalog remove sample`." in said
    sources = pustaka("catalog", "sources", cwd=tmp_path).stdout.decode()
    assert "sample" in sources and "slims" in sources
