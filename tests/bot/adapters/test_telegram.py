"""The real python-telegram-bot, driven through a loopback fake of the Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.api.commands import N_, Feature, Permission, command, text
from bot.api.context import Context
from bot.api.replies import Choice, Poll, Reply
from bot.config import load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import SystemClock
from tests.conftest import write_config
from tests.fakes.telegram_api import (
    FakeTelegram,
    callback_press,
    group_chat,
    private_chat,
    text_message,
    user,
)

GROUP = -100500
ROOT = Path(__file__).resolve().parents[3]


class Extras(Feature):
    """Commands that exercise long replies, photos and polls."""

    name = "extras"
    description = N_("General")

    @command("long", N_("General"))
    async def long(self, ctx: Context) -> str:
        return "\n".join(f"{i:03d} " + "x" * 86 for i in range(50))  # 50 lines of 90 = 4,549

    @command("cover", N_("General"))
    async def cover(self, ctx: Context) -> Reply:
        return Reply.of("y" * 1500, title="Bumi Manusia", image_url="https://covers.example/1.jpg")

    @command("vote", N_("General"), permission=Permission.MODERATOR)
    async def vote(self, ctx: Context) -> Reply:
        options = (Choice("Bumi Manusia", "/pick bumi"), Choice("Cantik Itu Luka", "/pick cantik"))
        quiz = Poll("Siapa pengarang Bumi Manusia?", options, correct=0, explanation="Pramoedya")
        return Reply.of(poll=quiz)

    @command("pick", N_("General"), text("book", N_("General")))
    async def pick(self, ctx: Context, book: str) -> str:
        return f"{ctx.member.display_name} picked {book} in {ctx.channel.channel_id}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start_bot(
    tmp_path: Path, fake: FakeTelegram, extra: str = ""
) -> tuple[App, asyncio.Task]:
    path = write_config(
        tmp_path,
        f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n{extra}',
    )
    config = load_config(path, env={})
    factories = discover() + [Extras]
    app = await App.open(config, clock=SystemClock(), features=factories)
    adapter = TelegramAdapter(app.dispatcher)
    task = asyncio.create_task(adapter.run())
    await fake.wait_for("setMyCommands", count=6)
    return app, task


async def stop_bot(app: App, task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[App]:
    app, task = await start_bot(tmp_path, fake)
    yield app
    await stop_bot(app, task)


async def reply_to(fake: FakeTelegram, update: dict, count: int = 1) -> list[str]:
    before = len(fake.sent())
    fake.push_update(update)
    calls = await fake.wait_for("sendMessage", count=before + count)
    return [c.params["text"] for c in calls[before:]]


async def test_start_and_help_in_both_languages(fake: FakeTelegram, bot: App) -> None:
    """/start greets in Indonesian; /help answers in the member's Telegram language."""
    [welcome] = await reply_to(fake, text_message("/start"))
    assert "<b>Selamat datang, Sari!</b>" in welcome
    [help_id] = await reply_to(fake, text_message("/help"))
    assert "Yang bisa saya lakukan" in help_id
    english = text_message("/help", chat=private_chat(2002), sender=user(2002, "Tom", "en"))
    [help_en] = await reply_to(fake, english)
    assert "What I can do" in help_en
    assert "<code>/lang [language]</code>" in help_en


async def test_command_menu_per_language_and_scope(fake: FakeTelegram, bot: App) -> None:
    """setMyCommands: id and en, members' menu without moderator commands, admins' with them."""
    calls = fake.sent("setMyCommands")
    by_key = {(c.params.get("language_code"), c.params["scope"]["type"]): c for c in calls}
    member_id = [cmd["command"] for cmd in by_key[("id", "default")].params["commands"]]
    admin_en = {
        cmd["command"]: cmd["description"]
        for cmd in by_key[("en", "all_chat_administrators")].params["commands"]
    }
    assert "help" in member_id and "settings" not in member_id and "vote" not in member_id
    assert admin_en["settings"] == "Community settings"
    help_id = next(
        c for c in by_key[("id", "default")].params["commands"] if c["command"] == "help"
    )
    assert help_id["description"].startswith("Menampilkan perintah")


async def test_group_commands_with_bot_name(fake: FakeTelegram, bot: App) -> None:
    """/about@PustakaBot is answered in a group; /about@OtherBot is not; chatter is ignored."""
    group = group_chat()
    fake.push_update(text_message("/about@OtherBot", chat=group))
    fake.push_update(text_message("selamat pagi semua", chat=group))
    [about] = await reply_to(fake, text_message("/about@PustakaBot", chat=group))
    assert "Perpustakaan" in about
    await asyncio.sleep(0.3)
    assert len(fake.sent()) == 1
    assert fake.sent()[0].params["reply_parameters"]["message_id"] == 10


async def test_button_press_edits_message_and_answers(fake: FakeTelegram, bot: App) -> None:
    """/lang shows buttons; pressing English edits the message and answers the callback."""
    await reply_to(fake, text_message("/lang"))
    keyboard = fake.sent()[-1].params["reply_markup"]["inline_keyboard"]
    buttons = {b["text"]: b["callback_data"] for row in keyboard for b in row}
    assert buttons == {"Bahasa Indonesia": "c/lang id", "English": "c/lang en"}
    shown = {"message_id": 1000, "date": 0, "chat": private_chat(), "text": "…"}
    fake.push_update(callback_press(buttons["English"], message=shown))
    [edit] = await fake.wait_for("editMessageText")
    await fake.wait_for("answerCallbackQuery")
    assert edit.params["text"] == "From now on I will answer you in English."
    assert int(edit.params["message_id"]) == 1000


async def test_member_strings_arrive_escaped(fake: FakeTelegram, bot: App) -> None:
    """A name with <b>, & and <a href> is shown as those characters, never as markup."""
    sender = user(3003, '<b>Bad</b> & <a href="http://evil.example">x</a>')
    [welcome] = await reply_to(fake, text_message("/start", chat=private_chat(3003), sender=sender))
    assert '&lt;b&gt;Bad&lt;/b&gt; &amp; &lt;a href="http://evil.example"&gt;x&lt;/a&gt;' in welcome
    assert "<a href" not in welcome


async def test_long_reply_is_split_on_lines(fake: FakeTelegram, bot: App) -> None:
    """A 4,549-character reply arrives as two messages, split between lines."""
    first, second = await reply_to(fake, text_message("/long"), count=2)
    assert len(first) <= 4096 and len(second) <= 4096
    assert first.endswith("x") and second.startswith("045 ")
    assert (first + "\n" + second).count("\n") == 49


async def test_photo_caption_limit(fake: FakeTelegram, bot: App) -> None:
    """A cover with a long text: the photo's caption stays within 1,024, the rest follows."""
    fake.push_update(text_message("/cover"))
    [photo] = await fake.wait_for("sendPhoto")
    [rest] = await fake.wait_for("sendMessage")
    assert photo.params["photo"] == "https://covers.example/1.jpg"
    assert photo.params["caption"] == "<b>Bumi Manusia</b>"
    assert rest.params["text"] == "y" * 1500


async def test_flood_control_waits_and_delivers(fake: FakeTelegram, bot: App) -> None:
    """A 429 with retry_after on sendMessage: the message still arrives, after the wait."""
    fake.fail_next["sendMessage"] = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    fake.push_update(text_message("/about"))
    calls = await fake.wait_for("sendMessage", count=2, within=15)
    delivered = time.monotonic()
    assert "Perpustakaan" in calls[-1].params["text"]
    [(_, refused_at)] = fake.failures
    assert delivered - refused_at >= 0.9


async def test_moderator_commands_need_an_administrator(fake: FakeTelegram, bot: App) -> None:
    """In a group, a member is refused /settings and a chat administrator may use it."""
    fake.admins[GROUP] = [4004]
    group = group_chat()
    [refused] = await reply_to(fake, text_message("/settings show", chat=group))
    assert "Hanya moderator" in refused
    admin = user(4004, "Pustakawan")
    [shown] = await reply_to(fake, text_message("/settings show", chat=group, sender=admin))
    assert "Pengaturan Klub Baca" in shown


async def test_private_moderator_command_acts_on_the_group(fake: FakeTelegram, bot: App) -> None:
    """An administrator of one group may change its settings from a private chat."""
    fake.admins[GROUP] = [4004]
    admin = user(4004, "Pustakawan")
    await reply_to(fake, text_message("/about", chat=group_chat(), sender=admin))
    update = text_message("/settings timezone WITA", chat=private_chat(4004), sender=admin)
    [done] = await reply_to(fake, update)
    assert "Asia/Makassar" in done
    timezone = await bot.services.store.fetchval(
        "SELECT timezone FROM communities WHERE platform_id = ?", (str(GROUP),)
    )
    assert timezone == "Asia/Makassar"


async def test_forum_topic_replies_stay_in_topic(fake: FakeTelegram, bot: App) -> None:
    """A command from a forum topic is answered in that topic."""
    await reply_to(fake, text_message("/about", chat=group_chat(forum=True), thread=77))
    assert int(fake.sent()[-1].params["message_thread_id"]) == 77


async def test_poll_vote_runs_the_option_command(fake: FakeTelegram, bot: App) -> None:
    """A native poll from a feature; a vote runs its option's command as the voter."""
    fake.admins[GROUP] = [4004]
    fake.push_update(text_message("/vote", chat=group_chat(), sender=user(4004, "Pustakawan")))
    [poll] = await fake.wait_for("sendPoll")
    assert [o["text"] for o in poll.params["options"]] == ["Bumi Manusia", "Cantik Itu Luka"]
    assert poll.params["is_anonymous"] in (False, "False", "false")
    assert poll.params["type"] == "quiz"
    assert poll.params["correct_option_ids"] == [0]
    assert poll.params["explanation"] == "Pramoedya"
    await asyncio.sleep(0.2)
    fake.push_update(
        {
            "poll_answer": {
                "poll_id": "poll-1",
                "user": user(5005, "Budi"),
                "option_ids": [1],
                "option_persistent_ids": ["1"],
            }
        }
    )
    [answer] = await fake.wait_for("sendMessage")
    assert answer.params["text"] == f"Budi picked cantik in {GROUP}"


async def test_other_updates_are_ignored(
    fake: FakeTelegram, bot: App, caplog: pytest.LogCaptureFixture
) -> None:
    """Stickers, photos, edits, channel posts that are no command and my_chat_member updates
    cause no reply or error."""
    base = text_message("x")["message"]
    sticker = {k: v for k, v in base.items() if k != "text"}
    sticker["sticker"] = {
        "file_id": "s",
        "file_unique_id": "s",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    photo = {k: v for k, v in base.items() if k != "text"}
    photo["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    channel = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": -1009, "type": "channel"},
        "text": "Koleksi baru minggu ini",  # a command there is the channel acting: answered
    }
    member_update = {
        "chat": group_chat(),
        "from": user(),
        "date": 0,
        "old_chat_member": {
            "status": "left",
            "user": {"id": 777000111, "is_bot": True, "first_name": "Pustaka"},
        },
        "new_chat_member": {
            "status": "member",
            "user": {"id": 777000111, "is_bot": True, "first_name": "Pustaka"},
        },
    }
    with caplog.at_level(logging.ERROR):
        for update in (
            {"message": sticker},
            {"message": photo},
            {"edited_message": {**base, "text": "/help", "edit_date": 1}},
            {"channel_post": channel},
            {"my_chat_member": member_update},
        ):
            fake.push_update(update)
        [answer] = await reply_to(fake, text_message("/about"))
    assert "Perpustakaan" in answer
    assert len(fake.sent()) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_webhook_mode_checks_the_secret(tmp_path: Path, fake: FakeTelegram) -> None:
    """Webhook mode registers the hook; updates with the secret are stored, then answered 200 and
    served, others refused; one sent again is served once."""
    port = free_port()
    extra = (
        f'mode = "webhook"\nwebhook_url = "https://bot.example/telegram"\n'
        f'listen = "127.0.0.1"\nport = {port}\nsecret_token = "s3cret-token"\n'
    )
    app, task = await start_bot(tmp_path, fake, extra)
    try:
        [hook] = await fake.wait_for("setWebhook")
        assert hook.params["url"] == "https://bot.example/telegram"
        assert hook.params["secret_token"] == "s3cret-token"
        update = {"update_id": 1, **text_message("/help")}
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # the web server may start just after setWebhook
                try:
                    await http.get(url)
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            wrong = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
            )
            assert wrong.status == 403
            right = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            )
            assert right.status == 200
            # stored before the 200: a crash after it loses nothing
            stored = "SELECT count(*) FROM inbox WHERE platform = 'telegram' AND update_id = '1'"
            assert await app.services.store.fetchval(stored) == 1
            again = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            )
            assert again.status == 200  # Telegram sent it again: answered once
        [reply] = await fake.wait_for("sendMessage")
        assert "Yang bisa saya lakukan" in reply.params["text"]
        await asyncio.sleep(0.3)
        assert len(fake.sent()) == 1
    finally:
        await stop_bot(app, task)


async def test_webhook_mode_skips_an_unreadable_update_once_and_answers_200(
    tmp_path: Path, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll_answer python-telegram-bot cannot read (no option_persistent_ids) reaches the
    webhook: stored, logged once with its id, skipped, answered 200 so Telegram moves on; the
    /help after it is answered."""
    port = free_port()
    extra = (
        f'mode = "webhook"\nwebhook_url = "https://bot.example/telegram"\n'
        f'listen = "127.0.0.1"\nport = {port}\n'
    )
    app, task = await start_bot(tmp_path, fake, extra)
    try:
        await fake.wait_for("setWebhook")
        url = f"http://127.0.0.1:{port}/telegram"
        poison = {
            "update_id": 7,
            "poll_answer": {"poll_id": "7", "user": user(), "option_ids": [0]},
        }
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    await http.get(url)
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            for _ in range(2):  # Telegram would send it again had it not had its 200
                assert (await http.post(url, json=poison)).status == 200
            help_ = {"update_id": 8, **text_message("/help")}
            assert (await http.post(url, json=help_)).status == 200
        [reply] = await fake.wait_for("sendMessage")
        assert "Yang bisa saya lakukan" in reply.params["text"]
        states = dict(await app.services.store.fetchall("SELECT update_id, state FROM inbox"))
        assert states["7"] == "skipped"
    finally:
        await stop_bot(app, task)
    unreadable = [r.getMessage() for r in caplog.records if "could not be read" in r.getMessage()]
    assert len(unreadable) == 1 and "7" in unreadable[0]


async def test_pustaka_run_serves_telegram(tmp_path: Path, fake: FakeTelegram) -> None:
    """`pustaka run` with a token serves Telegram, answers /start and /help, stops on SIGTERM."""
    write_config(tmp_path, f'[telegram]\nbase_url = "{fake.base_url}"\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env["PUSTAKA_TELEGRAM_TOKEN"] = fake.token
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_for("setMyCommands", count=6, within=30)
        fake.push_update(text_message("/start"))
        fake.push_update(text_message("/help", message_id=11))
        # two updates of one batch are handled side by side: either answer may come first
        answers = [c.params["text"] for c in await fake.wait_for("sendMessage", count=2)]
        assert any("Selamat datang" in text for text in answers)
        assert any("Yang bisa saya lakukan" in text for text in answers)
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    assert process.stderr is not None
    log = (await process.stderr.read()).decode()
    assert fake.token not in log
    assert "serving Telegram as @PustakaBot" in log


async def test_moderator_of_two_groups_is_asked_which(fake: FakeTelegram, bot: App) -> None:
    """A private moderator command from an admin of two groups asks which; the press acts."""
    fake.admins[GROUP] = [4004]
    fake.admins[-100600] = [4004]
    admin = user(4004, "Pustakawan")
    await reply_to(fake, text_message("/about", chat=group_chat(), sender=admin))
    other = group_chat(-100600, "Klub Puisi")
    await reply_to(fake, text_message("/about", chat=other, sender=admin))
    [question] = await reply_to(
        fake, text_message("/settings language en", chat=private_chat(4004), sender=admin)
    )
    assert "Untuk grup mana /settings language ini?" in question
    keyboard = fake.sent()[-1].params["reply_markup"]["inline_keyboard"]
    buttons = {button["text"]: button["callback_data"] for row in keyboard for button in row}
    assert set(buttons) == {"Klub Baca", "Klub Puisi"}
    shown = {"message_id": 1005, "date": 0, "chat": private_chat(4004), "text": question}
    fake.push_update(callback_press(buttons["Klub Puisi"], message=shown, sender=admin))
    await fake.wait_for("editMessageText")
    locales = await bot.services.store.fetchall(
        "SELECT platform_id, locale FROM communities ORDER BY platform_id"
    )
    assert [tuple(r) for r in locales] == [(str(GROUP), None), ("-100600", "en")]


async def test_long_button_commands_are_kept_server_side(bot: App) -> None:
    """A command longer than 64 bytes of callback data is stored and comes back whole."""
    from bot.api import buttons

    store, now = bot.services.store, bot.services.clock.now()
    command = '/club vote "Bumi Manusia" | "Cantik Itu Luka" | "Laskar Pelangi" | "Supernova"'
    data = await buttons.encode(store, command, keep=True, now=now)
    assert len(data.encode()) <= 64 and data.startswith("k")
    assert data == await buttons.encode(store, command, keep=True, now=now)
    pressed = await buttons.decode(store, data)
    assert pressed == buttons.Pressed(command, keep=True)
    assert await buttons.decode(store, "k999") is None
    assert await buttons.decode(store, "") is None


async def test_network_errors_are_retried_with_backoff(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A send that fails twice with a network error succeeds on the third try, after waits."""
    from telegram.error import NetworkError

    from bot.time.clock import FakeClock

    clock = FakeClock()
    path = write_config(tmp_path, '[telegram]\ntoken = "1:x"\n')
    app = await App.open(load_config(path, env={}), clock=clock, features=[])
    adapter = TelegramAdapter(app.dispatcher)
    attempts = []

    async def flaky() -> str:
        attempts.append(clock.now())
        if len(attempts) < 3:
            raise NetworkError("connection reset")
        return "sent"

    try:
        with caplog.at_level(logging.WARNING):
            sending = asyncio.create_task(adapter._call(flaky))
            for _ in range(10):
                await clock.advance(4)
        assert await sending == "sent"
        gaps = [(b - a).total_seconds() for a, b in zip(attempts, attempts[1:], strict=False)]
        assert gaps == [2.0, 4.0]
        assert sum("attempt" in r.getMessage() for r in caplog.records) == 2
    finally:
        await app.close()


async def test_thread_is_a_forum_topic_or_the_group(fake: FakeTelegram, bot: App) -> None:
    """In a forum group a new topic is opened and used; elsewhere the group itself."""
    from bot.api.context import Destination

    fake.forums.add(GROUP)
    messenger = bot.services.messenger
    forum = Destination("telegram", str(GROUP), str(GROUP))
    topic = await messenger.open_thread(
        forum, "Klub Baca: Bumi Manusia", Reply.of("Selamat datang")
    )
    [created] = await fake.wait_for("createForumTopic")
    assert created.params["name"] == "Klub Baca: Bumi Manusia"
    assert topic.thread_id is not None
    [posted] = await fake.wait_for("sendMessage")
    assert int(posted.params["message_thread_id"]) == int(topic.thread_id)
    plain = Destination("telegram", "-100600", "-100600")
    same = await messenger.open_thread(plain, "Klub Puisi", Reply.of("Halo"))
    assert same == plain
    posted = await fake.wait_for("sendMessage", count=2)
    assert posted[-1].params["chat_id"] == "-100600"
    assert "message_thread_id" not in posted[-1].params
