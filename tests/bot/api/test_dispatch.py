from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.api.arguments import UserError
from bot.api.commands import N_, Feature, Option, Permission, command, integer, text
from bot.api.context import Context, Incoming
from bot.api.replies import Reply
from bot.process.app import App
from bot.process.features import discover
from tests.conftest import Chat


class Trouble(Feature):
    """A feature that misbehaves on purpose."""

    name = "trouble"
    description = N_("General")
    labels = {"pack": N_("parameter:pack")}

    @command("boom", N_("General"))
    async def boom(self, ctx: Context) -> Reply:
        raise RuntimeError("the handler broke")

    @command("refuse", N_("General"))
    async def refuse(self, ctx: Context) -> Reply:
        raise UserError("not today")

    @command("count", N_("General"), integer("n", N_("General"), min_value=1, max_value=5))
    async def count(self, ctx: Context, n: int) -> str:
        return "counted " + " ".join(str(i) for i in range(1, n + 1))

    @command("secret", N_("General"), permission=Permission.MODERATOR)
    async def secret(self, ctx: Context) -> str:
        return "the moderators' secret"

    @command("quiz start", N_("General"), text("pack", N_("General")))
    async def quiz_start(self, ctx: Context, pack: str) -> str:
        return f"started {pack}"

    @command(
        "shelve",
        N_("General"),
        text("title", N_("General"), autocomplete="complete_title"),
        integer("copies", N_("General"), required=False, default=1, min_value=1, max_value=9),
    )
    async def shelve(self, ctx: Context, title: str, copies: int) -> str:
        return f"shelved {copies} x {title}"

    async def complete_title(self, ctx: Context, current: str) -> list[Option]:
        if current == "crash":
            raise RuntimeError("autocomplete broke")
        titles = ["Bumi Manusia", "Bukan Pasar Malam", "Laskar Pelangi"]
        return [Option(t, t) for t in titles if t.lower().startswith(current.lower())]

    @command("quiz stop", N_("General"))
    async def quiz_stop(self, ctx: Context) -> str:
        return "stopped"


@pytest.fixture
def features():
    # Trouble declares its own /quiz group to exercise groups; the real quiz stays out.
    others = [package for package in discover() if package.name != "quiz"]
    return [*others, Trouble]


async def test_handler_exception_apologises_and_bot_keeps_answering(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler that raises gets an apology with a reference; the next command still works."""
    with caplog.at_level(logging.ERROR):
        shown = await chat.say("/boom")
    assert "Maaf, terjadi kesalahan saat menjawab /boom" in shown
    reference = shown.split("kode ")[1].split(".")[0]
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)
    assert "the handler broke" not in shown
    assert "counted 1 2" in await chat.say("/count 2")


async def test_user_error_is_shown_as_is(chat: Chat) -> None:
    """A UserError raised by a handler reaches the member unchanged."""
    assert "not today" in await chat.say("/refuse")


async def test_bad_arguments_get_usage_in_members_language(
    make_chat: Callable[..., Chat],
) -> None:
    """A bad argument shows the reason and the usage, in the member's language."""
    shown = await make_chat().say("/count 9")
    assert "“n” harus antara 1 dan 5." in shown
    assert "/count <n>" in shown
    english = await make_chat(user="tom", locale="en").say("/count")
    assert "Missing n." in english
    assert "Too many arguments." in await make_chat(user="tom").say("/count 1 2")


async def test_unknown_command_hints_help_and_suggests(chat: Chat) -> None:
    """An unknown command names /help and the closest command."""
    shown = await chat.say("/hlep")
    assert "Saya tidak mengenal perintah /hlep" in shown
    assert "/help" in shown
    assert "Maksud Anda /help?" in shown


async def test_moderator_commands_are_refused_and_hidden(
    make_chat: Callable[..., Chat],
) -> None:
    """Members cannot run or see moderator commands; moderators can."""
    member = make_chat(user="sari")
    assert "Hanya moderator" in await member.say("/secret")
    assert "/secret" not in await member.say("/help")
    moderator = make_chat(user="pustakawan", moderator=True)
    assert "the moderators' secret" in await moderator.say("/secret")
    assert "/secret" in await moderator.say("/help")


async def test_configured_moderator_ids(app: App, make_chat: Callable[..., Chat]) -> None:
    """Ids listed under [moderators] are moderators without the platform saying so."""
    from dataclasses import replace

    config = app.services.config
    moderators = replace(config.moderators, console=frozenset({"kepala"}))
    object.__setattr__(app.services, "config", replace(config, moderators=moderators))
    assert "the moderators' secret" in await make_chat(user="kepala").say("/secret")


async def test_command_groups(chat: Chat) -> None:
    """Two-word commands run; the group alone lists its subcommands."""
    assert "started sastra" in await chat.say("/quiz start sastra")
    assert "stopped" in await chat.say("/QUIZ stop")
    listing = await chat.say("/quiz")
    assert "/quiz start <paket kuis>" in listing
    assert "/quiz stop" in listing


async def test_bot_username_suffix_and_case(chat: Chat) -> None:
    """/Count@PustakaBot 1 is /count 1."""
    assert "counted 1" in await chat.say("/Count@PustakaBot 1")


async def test_usage_is_recorded(app: App, chat: Chat) -> None:
    """Every command use is recorded with its outcome, for librarians' reports."""
    for line in ("/count 1", "/count 7", "/boom", "/secret"):
        await chat.say(line)
    rows = await app.services.store.fetchall(
        "SELECT command, outcome FROM command_usage ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [
        ("count", "ok"),
        ("count", "usage"),
        ("boom", "error"),
        ("secret", "denied"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "/",
        "/ ",
        "//",
        "/\x00help",
        "hello",
        "/count \x1b[31m",
        "/" + "a" * 100_000,
        "x" * 100_000,
        "/count " + "9" * 5000,
        "\udcff",
        "/quiz start",
    ],
)
async def test_bad_input_never_crashes(chat: Chat, line: str) -> None:
    """Odd lines get a clear reply or are ignored, and the bot answers afterwards."""
    await chat.say(line)
    assert "counted 1" in await chat.say("/count 1")


async def test_plain_text_gets_a_hint_in_console(chat: Chat) -> None:
    """Text that is not a command gets a hint naming /help in a private chat."""
    assert "Ketik /help" in await chat.say("halo")


def incoming(text: str = "", **changes) -> Incoming:
    values = dict(
        platform="discord",
        member_id="1001",
        display_name="Sari",
        channel_id="55",
        text=text,
        community_id="900",
        community_name="Klub Baca",
    )
    values.update(changes)
    return Incoming(**values)


async def test_typed_invocation_validates_like_text(app: App) -> None:
    """Arguments that arrive typed (slash commands) are checked and defaulted the same way."""
    dispatcher = app.dispatcher
    shelve = dispatcher.registry.find("shelve")
    [reply] = await dispatcher.invoke(incoming(), shelve, {"title": "Bumi Manusia"})
    assert str(reply.text) == "shelved 1 x Bumi Manusia"
    [reply] = await dispatcher.invoke(incoming(), shelve, {"title": "x", "copies": 10})
    assert "“copies” harus antara 1 dan 9." in str(reply.text)
    assert reply.private


async def test_autocomplete_suggests_and_survives_errors(app: App) -> None:
    """Autocomplete offers matching values; a failing completer gives no suggestions."""
    dispatcher = app.dispatcher
    shelve = dispatcher.registry.find("shelve")
    suggestions = await dispatcher.autocomplete(incoming(), shelve, "title", "bu")
    assert [s.value for s in suggestions] == ["Bumi Manusia", "Bukan Pasar Malam"]
    assert await dispatcher.autocomplete(incoming(), shelve, "title", "crash") == []
    assert await dispatcher.autocomplete(incoming(), shelve, "copies", "1") == []


async def test_platform_moderator_and_identity_are_kept(app: App) -> None:
    """The platform's own moderator flag counts; members are stored per platform."""
    dispatcher = app.dispatcher
    [reply] = await dispatcher.handle_text(incoming("/secret", platform_moderator=True))
    assert str(reply.text) == "the moderators' secret"
    await dispatcher.handle_text(incoming("/help", platform="telegram", display_name="Sari T"))
    rows = await app.services.store.fetchall(
        "SELECT platform, platform_id, display_name FROM members ORDER BY platform"
    )
    assert [tuple(r) for r in rows] == [("discord", "1001", "Sari"), ("telegram", "1001", "Sari T")]


async def test_group_chatter_is_ignored(app: App) -> None:
    """In a group, text that is not a command gets no answer."""
    assert await app.dispatcher.handle_text(incoming("selamat pagi semua")) == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=st.text(max_size=400) | st.from_regex(r"/(count|quiz|shelve|help|lang)( .{0,80})?"))
async def test_any_line_gets_an_answer_or_silence(app: App, line: str) -> None:
    """Whatever a member types, the dispatcher returns replies and never raises."""
    replies = await app.dispatcher.handle_text(incoming(line, direct=True))
    assert all(reply.text or reply.title for reply in replies)
