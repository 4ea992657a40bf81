from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Chat


async def test_moderator_sets_community_language(make_chat: Callable[..., Chat]) -> None:
    """The community default applies to members without a choice, not to those with one."""
    moderator = make_chat(user="pustakawan", moderator=True)
    chose_id = make_chat(user="sari")
    await chose_id.say("/lang id")
    shown = await moderator.say("/settings language en")
    assert "Anggota yang belum memilih bahasa kini mendapat English." in shown
    assert "What I can do" in await make_chat(user="budi").say("/help")
    assert "Yang bisa saya lakukan" in await chose_id.say("/help")


async def test_timezone_accepts_wita_and_refuses_nonsense(make_chat: Callable[..., Chat]) -> None:
    """WITA becomes Asia/Makassar; an unknown zone gets examples; /settings show lists both."""
    moderator = make_chat(user="pustakawan", moderator=True)
    assert "Asia/Makassar" in await moderator.say("/settings timezone WITA")
    assert "Asia/Jayapura" in await moderator.say("/settings timezone asia/jayapura")
    refused = await moderator.say("/settings timezone Mars/Olympus")
    assert "Saya tidak mengenal zona waktu Mars/Olympus" in refused
    shown = await moderator.say("/settings show")
    assert "Asia/Jayapura" in shown
    assert "Bahasa Indonesia" in shown


async def test_members_cannot_change_settings(chat: Chat) -> None:
    """A member is refused and the setting stays."""
    assert "Hanya moderator" in await chat.say("/settings language en")
    assert "Yang bisa saya lakukan" in await chat.say("/help")


async def test_settings_group_lists_subcommands(make_chat: Callable[..., Chat]) -> None:
    """/settings alone shows its subcommands to a moderator."""
    shown = await make_chat(user="pustakawan", moderator=True).say("/settings")
    assert "/settings language <bahasa>" in shown
    assert "/settings timezone <zona waktu>" in shown
