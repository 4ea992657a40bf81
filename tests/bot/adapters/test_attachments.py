"""Files sent with a command reach its file parameter on every platform, within its size limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.api.commands import N_, Feature, attachment, command, text
from bot.api.context import Context
from bot.api.files import Attachment
from bot.api.package import FeatureFactory
from tests.conftest import Chat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.running import discord_bot, telegram_bot
from tests.fakes.telegram_api import FakeTelegram, document_message, group_chat


class Uploads(Feature):
    name = "uploads"
    description = N_("General")
    labels = {"pack": N_("parameter:pack")}

    @command(
        "upload",
        N_("General"),
        attachment("pack", N_("General"), max_bytes=100),
        text("note", N_("General"), required=False, rest=True),
    )
    async def upload(self, ctx: Context, pack: Attachment, note: str | None = None) -> str:
        data = await pack.read()
        return f"{pack.name}: {len(data)} bytes, starts {data[:12].decode()!r}, note {note!r}"

    @command("import", N_("General"), attachment("pack", N_("General")))
    async def import_(self, ctx: Context, pack: Attachment) -> str:
        return f"{pack.name}: {len(await pack.read())} bytes"


@pytest.fixture
def features() -> list[FeatureFactory]:
    return [Uploads]


async def test_console_attaches_a_local_file_named_with_at(chat: Chat, tmp_path: Path) -> None:
    pack = tmp_path / "kuis.toml"
    pack.write_text('title = "Kuis"\n', encoding="utf-8")
    answer = await chat.say(f"/upload @{pack} sastra lama")
    assert "kuis.toml: 15 bytes, starts 'title = \"Kui'" in answer
    assert "note 'sastra lama'" in answer


async def test_missing_file_is_explained_with_the_usage(chat: Chat, tmp_path: Path) -> None:
    answer = await chat.say(f"/upload @{tmp_path / 'tidak-ada.toml'}")
    assert "Kirim berkas (paket kuis) dalam pesan yang sama dengan perintahnya." in answer
    assert "/upload" in answer


async def test_a_path_that_is_not_a_file_is_named_in_the_answer(chat: Chat, tmp_path: Path) -> None:
    """With no text parameter to take it, a wrong path is still explained, not 'too many'."""
    missing = tmp_path / "tidak-ada.toml"
    answer = await chat.say(f"/import @{missing}")
    assert f"Tidak ada berkas yang datang bersama “@{missing}”." in answer
    assert "Kirim berkas (paket kuis) dalam pesan yang sama dengan perintahnya." in answer
    assert "argumen" not in answer


async def test_file_over_the_limit_is_refused_with_the_limit(chat: Chat, tmp_path: Path) -> None:
    big = tmp_path / "besar.toml"
    big.write_bytes(b"x" * 5000)
    answer = await chat.say(f"/upload @{big}")
    assert "besar.toml terlalu besar: paling banyak 0,1 KB." in answer


async def test_telegram_document_with_a_command_caption(
    tmp_path: Path, telegram_fake: FakeTelegram
) -> None:
    fake = telegram_fake
    async with telegram_bot(tmp_path, fake, features=[Uploads]):
        fake.files["doc-1"] = b"judul = 'Sastra'"
        fake.push_update(document_message("/upload", "doc-1", "sastra.toml", 16))
        fake.files["doc-2"] = b"y" * 500
        fake.push_update(document_message("/upload", "doc-2", "besar.toml", 500, chat=group_chat()))
        calls = await fake.wait_for("sendMessage", count=2)
        texts = sorted(call.params["text"] for call in calls)
        assert texts[0].startswith("besar.toml terlalu besar")
        assert texts[1] == 'sastra.toml: 16 bytes, starts "judul = \'Sas", note None'
        # The large file was refused from its announced size, before any download.
        assert [c.params["file_id"] for c in fake.calls if c.method == "getFile"] == ["doc-1"]


async def test_discord_attachment_option(tmp_path: Path, discord_fake: FakeDiscord) -> None:
    fake = discord_fake
    async with discord_bot(tmp_path, fake, features=[Uploads]):
        [synced] = await fake.wait_for(lambda c: c.method == "PUT" and "commands" in c.path)
        [upload] = [c for c in synced.body if c["name"] == "upload"]
        assert upload["options"][0] == {**upload["options"][0], "name": "pack", "type": 11}
        interaction = await fake.slash(
            "upload",
            [{"type": 3, "name": "note", "value": "baru"}],
            files={"pack": ("anak.toml", b"title = 'Anak'")},
        )
        answered = await fake.response_to(interaction)
        assert answered.body["data"]["embeds"][0]["description"] == (
            "anak.toml: 14 bytes, starts \"title = 'Ana\", note 'baru'"
        )
