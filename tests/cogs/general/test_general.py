from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Chat


async def test_help_in_indonesian_then_english(chat: Chat) -> None:
    """/help answers in Indonesian by default and in English after /lang en."""
    before = await chat.say("/help")
    assert "Yang bisa saya lakukan" in before
    assert "/lang [bahasa]" in before
    assert "Memilih bahasa yang saya pakai dengan Anda." in before
    assert "From now on I will answer you in English." in await chat.say("/lang en")
    after = await chat.say("/help")
    assert "What I can do" in after
    assert "Choose the language I use with you." in after


async def test_language_choice_survives_a_new_conversation(
    make_chat: Callable[..., Chat],
) -> None:
    """A member's chosen language is stored, not kept in memory."""
    await make_chat(user="budi").say("/lang en")
    assert "What I can do" in await make_chat(user="budi").say("/help")
    assert "Yang bisa saya lakukan" in await make_chat(user="ani").say("/help")


async def test_platform_language_used_until_member_chooses(
    make_chat: Callable[..., Chat],
) -> None:
    """A member whose platform speaks English gets English until choosing Indonesian."""
    chat = make_chat(user="tom", locale="en")
    assert "What I can do" in await chat.say("/help")
    await chat.say("/bahasa id")
    assert "Yang bisa saya lakukan" in await chat.say("/help")


async def test_lang_without_argument_offers_buttons(chat: Chat) -> None:
    """/lang alone names the current language and offers both as buttons with their commands."""
    shown = await chat.say("/lang")
    assert "Bahasa Indonesia" in shown
    assert "[2] English  → /lang en" in shown
    assert "From now on I will answer you in English." in await chat.say("2")


async def test_help_for_one_command_and_unknown_one(chat: Chat) -> None:
    """/help lang explains the command; /help nothing says there is no such command."""
    shown = await chat.say("/help lang")
    assert "/lang [bahasa]" in shown
    assert "id (Bahasa Indonesia), en (Bahasa Inggris)" in shown
    assert "Juga: /bahasa" in shown
    assert "Tidak ada perintah /nothing" in await chat.say("/help nothing")


async def test_about_shows_name_and_links(make_chat: Callable[..., Chat], app) -> None:
    """/about shows the library's name from the configuration."""
    shown = await make_chat().say("/about")
    assert app.services.config.bot.name in shown
    assert "Pustaka 0.1.0" in shown
