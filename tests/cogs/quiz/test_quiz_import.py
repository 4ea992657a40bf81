"""/quiz import: a moderator sends a pack file with the command; it is checked, kept for this
community, and playable at once. A broken file gets every problem listed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.quiz.test_quiz_platforms import GROUP, LIBRARIAN
from tests.conftest import Chat
from tests.fakes.discord_api import MANAGE_GUILD, FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import (
    FakeTelegram,
    document_message,
    group_chat,
    text_message,
    user,
)

PACK = """
title = "Pengarang Nusantara"
language = "id"
author = "Perpustakaan Uji"

[[questions]]
prompt = "Siapa pengarang Ronggeng Dukuh Paruk?"
choices = ["Ahmad Tohari", "Mochtar Lubis"]
correct = 1

[[questions]]
prompt = "Di pulau mana Laskar Pelangi berlatar?"
answers = ["Belitung", "Belitong"]
"""

BROKEN = """
title = "Rusak"
language = "id"
author = "Uji"

[[questions]]
prompt = "Pilih satu"
choices = ["Sama", "sama"]
correct = 3
"""


async def test_import_then_play_the_pack(
    make_chat: Callable[..., Chat], app: App, tmp_path: Path
) -> None:
    librarian = make_chat(moderator=True)
    pack = tmp_path / "nusantara.toml"
    pack.write_text(PACK, encoding="utf-8")
    shown = await librarian.say(f"/quiz import @{pack}")
    assert "Ditambahkan Pengarang Nusantara (2 pertanyaan)" in shown
    assert "/quiz start nusantara" in shown
    packs = await librarian.say("/quiz packs")
    assert "nusantara — Pengarang Nusantara (2 pertanyaan, Bahasa Indonesia)" in packs
    assert "Diganti Pengarang Nusantara" in await librarian.say(f"/quiz import @{pack}")
    started = await librarian.say("/quiz start nusantara")
    assert "Pengarang Nusantara" in started


async def test_broken_pack_lists_every_problem(
    make_chat: Callable[..., Chat], tmp_path: Path
) -> None:
    pack = tmp_path / "rusak.toml"
    pack.write_text(BROKEN, encoding="utf-8")
    shown = await make_chat(moderator=True).say(f"/quiz import @{pack}")
    assert "rusak.toml bukan paket kuis yang sah:" in shown
    assert shown.count("• Pertanyaan 1") == 2  # the duplicate choices and the wrong index
    assert "rusak" not in await make_chat(moderator=True).say("/quiz packs")


async def test_members_and_missing_files_are_refused(
    make_chat: Callable[..., Chat], tmp_path: Path
) -> None:
    pack = tmp_path / "nusantara.toml"
    pack.write_text(PACK, encoding="utf-8")
    assert "Hanya moderator" in await make_chat().say(f"/quiz import @{pack}")
    assert "Kirim berkas (paket kuis)" in await make_chat(moderator=True).say("/quiz import")
    bundled = tmp_path / "sastra-indonesia.toml"
    bundled.write_text(PACK, encoding="utf-8")
    assert "Sudah ada paket bawaan bernama sastra-indonesia" in await make_chat(moderator=True).say(
        f"/quiz import @{bundled}"
    )


async def test_telegram_document_imports_for_the_group(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    fake = telegram_fake
    fake.admins[GROUP] = [LIBRARIAN]
    async with telegram_bot(tmp_path, fake, clock=FakeClock()):
        fake.files["f1"] = PACK.encode()
        caption = "/quiz import"
        chat, sender = group_chat(GROUP), user(LIBRARIAN, "Bu Rina")
        fake.push_update(
            document_message(caption, "f1", "nusantara.toml", len(PACK), chat=chat, sender=sender)
        )
        [done] = await fake.wait_for("sendMessage")
        assert "Ditambahkan <b>Pengarang Nusantara</b>" in done.params["text"]
        fake.push_update(
            document_message(caption, "f1", "lagi.toml", len(PACK), chat=chat, sender=user(7))
        )
        refused = await fake.wait_for("sendMessage", count=2)
        assert "Hanya moderator" in refused[1].params["text"]

        # The pack belongs to the group that imported it: another group neither lists nor
        # plays it.
        elsewhere = group_chat(-100600)
        fake.push_update(text_message("/quiz packs", chat=elsewhere, sender=user(8, "Dani")))
        fake.push_update(
            text_message("/quiz packs", chat=chat, sender=user(9, "Eka")),
        )
        listed = await fake.wait_for("sendMessage", count=4)
        by_chat = {int(c.params["chat_id"]): c.params["text"] for c in listed[2:]}
        assert "nusantara" not in by_chat[-100600] and "sastra-indonesia" in by_chat[-100600]
        assert "nusantara" in by_chat[GROUP]


async def test_discord_attachment_imports_for_the_server(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    """/quiz import with the file as the command's `pack` option; every problem is listed."""
    fake = discord_fake
    async with discord_bot(tmp_path, fake, clock=FakeClock()):
        command = [{"type": 1, "name": "import", "options": []}]
        done = await fake.response_to(
            await fake.slash(
                "quiz",
                command,
                permissions=MANAGE_GUILD,
                files={"pack": ("nusantara.toml", PACK.encode())},
            )
        )
        assert (
            "Ditambahkan **Pengarang Nusantara** (2 pertanyaan)"
            in (done.body["data"]["embeds"][0]["description"])
        )
        broken = await fake.response_to(
            await fake.slash(
                "quiz",
                [{"type": 1, "name": "import", "options": []}],
                permissions=MANAGE_GUILD,
                files={"pack": ("rusak.toml", BROKEN.encode())},
            )
        )
        text = broken.body["data"]["embeds"][0]["description"]
        assert "rusak.toml bukan paket kuis yang sah:" in text
        assert "Pertanyaan 1, choices: Pilihan 2 (“sama”) sama dengan pilihan 1." in text
        assert "Pertanyaan 1, correct:" in text
        listed = await fake.response_to(
            await fake.slash("quiz", [{"type": 1, "name": "packs", "options": []}])
        )
        assert "nusantara" in listed.body["data"]["embeds"][0]["description"]
        assert "rusak" not in listed.body["data"]["embeds"][0]["description"]
