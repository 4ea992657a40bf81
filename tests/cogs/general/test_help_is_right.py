"""Issue 17, item 7: help and usage lines are generated from each command's declaration and
match what the command takes, in both languages; dates read one way per language, always with
their timezone."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.api.arguments import parse_arguments
from bot.api.commands import Command, Param, ParamKind
from bot.api.labels import command_usage, label
from bot.api.usage import explain
from bot.config import Config, load_config
from bot.process.app import App
from tests.conftest import Chat, write_config


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, sample=True), env={})


def _example(param: Param) -> str:
    """A value a member could type for `param`, as its usage line asks."""
    if param.time:
        return "besok jam 10"
    if param.kind is ParamKind.INTEGER:
        return str(param.min_value if param.min_value is not None else 1)
    if param.kind is ParamKind.CHOICE:
        return param.options[0].value
    return "kata"


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_every_usage_line_matches_its_command(app: App, locale: str) -> None:
    """For every registered command: the handler takes exactly the declared parameters, each
    parameter is named in the reader's language, the help shows them in order, and a line typed
    as the usage line says (with quotes) is read back into the same values."""
    _ = app.services.i18n.translations(locale).gettext
    commands = app.services.registry.commands
    assert len(commands) > 40
    for command in commands:
        handler = inspect.signature(command.handler).parameters
        taken = {name: p for name, p in handler.items() if name != "ctx"}
        assert list(taken) == [p.name for p in command.params], command.name
        for param in command.params:
            if param.required:  # the help says it must be given: the handler needs it
                assert taken[param.name].default is inspect.Parameter.empty, param.name
            assert param.label, (command.name, param.name)
            if locale == "id" and param.name not in {"id"}:
                assert label(param, _) != param.name or param.name in {"pack"}, param.name
        usage = " ".join(
            ["/" + command.name]
            + [f"<{label(p, _)}>" if p.required else f"[{label(p, _)}]" for p in command.params]
        )
        assert command_usage(command, _) == usage
        shown = str(explain(command, _))
        assert shown.splitlines()[0] == usage
        for param in command.params:
            assert f"• {label(param, _)}: {_(param.description)}" in shown, param.name
        _typed_back(command, _)


def _typed_back(command: Command, _: Callable[[str], str]) -> None:
    words = [p for p in command.params if p.kind is not ParamKind.FILE]
    if len(words) < len(command.params):
        return  # a file is sent, not typed
    line = " ".join(
        f'"{_example(p)}"' if p.kind is ParamKind.TEXT and not p.rest else _example(p)
        for p in words
    )
    bound = parse_arguments(command, line, _)
    for param in words:
        expected = _example(param)
        value = bound[param.name]
        assert str(value) == expected, (command.name, param.name, value)


async def test_help_rate_and_progress(make_chat: Callable[..., Chat]) -> None:
    assert "/rate <buku> <bintang> [ulasan]" in await make_chat(user="sari").say("/help rate")
    tom = make_chat(user="tom", locale="en")
    rate = await tom.say("/help rate")
    assert "/rate <book> <stars> [review]" in rate
    assert "• stars: How many stars (1–5)" in rate
    progress = await tom.say("/help club progress")
    assert "a chapter (chapter 5)" in progress
    assert "bab" not in progress
    assert "bab (bab 5)" in await make_chat(user="sari").say("/help club progress")


async def test_quiz_packs_in_english(make_chat: Callable[..., Chat]) -> None:
    packs = await make_chat(user="tom", locale="en").say("/quiz packs")
    assert "world-classics — World Classics (34 questions, English)" in packs
    assert "sastra-indonesia — Sastra Indonesia (38 questions, Indonesian)" in packs
    assert packs.rstrip().endswith(
        "— A moderator starts one with /quiz start <pack> [questions] [seconds]."
    )
    indonesian = await make_chat(user="sari").say("/quiz packs")
    assert "Moderator memulainya dengan /quiz start <paket kuis> [jumlah pertanyaan] [detik]." in (
        indonesian
    )


async def test_one_date_style_per_language(make_chat: Callable[..., Chat]) -> None:
    """English reads Babel's English dates everywhere, Indonesian Babel's Indonesian ones; a time
    always carries its zone (a season's end too)."""
    librarian = make_chat(user="librarian", moderator=True, locale="en")
    draft = await librarian.say('/event create "Book Talk" "Sabtu depan pukul 10 pagi"')
    assert "Book Talk on Saturday, January 10, 2026, 10:00 AM WIB. Save it?" in draft
    opened = await librarian.say('/club create "Earth Club" "Bumi Manusia"')
    assert "from Monday, January 5, 2026, 10:00 AM WIB" in opened
    season = await librarian.say('/quiz season start "Rainy Season" "2026-03-31 23:59"')
    assert "it ends on Tuesday, March 31, 2026, 11:59 PM WIB." in season
    assert "arrived January 5, 2026" in await librarian.say("/new")

    pustakawan = make_chat(user="pustakawan", moderator=True)
    draft = await pustakawan.say('/event create "Bedah Buku" "Sabtu depan pukul 10 pagi"')
    assert "Bedah Buku pada Sabtu, 10 Januari 2026, 10.00 WIB. Simpan?" in draft
    await pustakawan.say("/quiz season end")
    season = await pustakawan.say('/quiz season start "Musim Hujan" "2026-03-31 23:59"')
    assert "berakhir pada Selasa, 31 Maret 2026, 23.59 WIB." in season
