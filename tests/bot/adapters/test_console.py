from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.api.commands import N_, Feature, command, integer
from bot.api.context import Context
from bot.api.replies import Reply
from bot.process.features import discover
from tests.conftest import Chat, write_config

ROOT = Path(__file__).resolve().parents[3]


def pustaka(*args: str, cwd: Path, stdin: bytes = b"", timeout: float = 60):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PUSTAKA_CONFIG", None)
    env.pop("PUSTAKA_DISCORD_TOKEN", None)
    env.pop("PUSTAKA_TELEGRAM_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=env,
    )


def test_piped_help_then_english(tmp_path: Path) -> None:
    """Piped /help, /lang en, /help: Indonesian help, then English, exit 0."""
    write_config(tmp_path)
    done = pustaka("chat", cwd=tmp_path, stdin=b"/help\n/lang en\n/help\n")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    first, second = out.split("From now on I will answer you in English.")
    assert "Yang bisa saya lakukan" in first and "What I can do" not in first
    assert "What I can do" in second


def test_run_without_tokens_opens_the_console(tmp_path: Path) -> None:
    """`pustaka run` with no token says so in one line and chats on standard input."""
    write_config(tmp_path)
    done = pustaka("run", cwd=tmp_path, stdin=b"/about\n")
    assert done.returncode == 0
    assert done.stderr.decode().strip().splitlines() == [
        "No Discord or Telegram token is configured: starting the console chat."
    ]
    assert "Pustaka 0.1.0" in done.stdout.decode()


def test_hostile_input_never_crashes_the_chat(tmp_path: Path) -> None:
    """Empty lines, 100 KB lines, control characters and invalid UTF-8 all get through."""
    write_config(tmp_path)
    lines = [
        b"",
        b"/" + b"x" * 100_000,
        b"y" * 100_000,
        b"\x00\x07\x1b[2J/help\x7f",
        b"\xff\xfe\xc3(",
        b"/lang \xff",
        b"/lang en fr de",
        b"/unknown",
        b"/about",
    ]
    done = pustaka("chat", cwd=tmp_path, stdin=b"\n".join(lines) + b"\n")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
    assert "terlalu panjang" in out
    assert "Terlalu banyak argumen." in out
    assert "Saya tidak mengenal perintah /unknown" in out
    assert "Pustaka 0.1.0" in out


def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    """SIGTERM while chatting closes the database and exits 0."""
    write_config(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdin and process.stdout
    process.stdin.write(b"/about\n")
    process.stdin.flush()
    process.stdout.readline()
    time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert (
        not (tmp_path / "pustaka.db-wal").exists()
        or (tmp_path / "pustaka.db-wal").stat().st_size == 0
    )


class Timer(Feature):
    """Sends a follow-up after a delay, as reminders and quizzes will."""

    name = "timer"
    description = N_("General")

    @command("later", N_("General"), integer("seconds", N_("General")))
    async def later(self, ctx: Context, seconds: int) -> str:
        async def ring() -> None:
            await ctx.clock.sleep(seconds)
            await ctx.send(Reply.of(f"ring after {seconds}s"))

        self.services.tasks.spawn(ring(), name="ring")
        return "set"


@pytest.fixture
def features():
    return discover() + [Timer]


async def test_follow_up_prints_when_due(chat: Chat, clock) -> None:
    """A follow-up from a background task prints in the console when its time comes."""
    assert "set" in await chat.say("/later 30")
    start = chat.output.tell()
    await clock.advance(29)
    assert "ring" not in chat.printed_since(start)
    await clock.advance(1)
    assert "ring after 30s" in chat.printed_since(start)


def test_piped_chat_waits_for_pending_follow_ups(tmp_path: Path) -> None:
    """At the end of input the chat waits for pending work before exiting."""
    write_config(tmp_path)
    script = (
        "import asyncio, io, sys\n"
        "from bot.adapters.console import ConsoleAdapter\n"
        "from bot.process.app import App, serve\n"
        "from bot.config import load_config\n"
        "from tests.bot.adapters.test_console import Timer\n"
        "async def main():\n"
        "    app = await App.open(load_config(env={}), features=[Timer])\n"
        "    chat = ConsoleAdapter(app.dispatcher, user='u')\n"
        "    await serve(app, [chat])\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        input=b"/later 1\n",
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split()[-3:] == ["ring", "after", "1s"]


async def test_thread_is_a_named_room(chat: Chat, app) -> None:
    """In the console a club's thread is a named room whose messages carry its name."""
    from bot.api.context import Destination

    start = chat.output.tell()
    room = await app.services.messenger.open_thread(
        Destination("console", "console", "console"), "Klub Baca", Reply.of("Selamat datang")
    )
    await app.services.messenger.send(room, Reply.of("Bab 1 dibuka"))
    shown = chat.printed_since(start)
    assert shown.count("[#Klub Baca]") == 2
    assert "Selamat datang" in shown and "Bab 1 dibuka" in shown


def test_a_terminal_gets_a_prompt_and_piped_input_none(tmp_path: Path) -> None:
    """Issue 17: typing in a terminal, a prompt shows before each line; piped, the output is
    only the replies."""
    import pty

    write_config(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for variable in ("PUSTAKA_CONFIG", "PUSTAKA_DISCORD_TOKEN", "PUSTAKA_TELEGRAM_TOKEN"):
        env.pop(variable, None)
    terminal, typing_side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--locale", "en"],
        cwd=tmp_path,
        stdin=typing_side,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(typing_side)
    try:
        os.write(terminal, b"/lang en\n")
        time.sleep(0.5)
        os.write(terminal, b"\x04")  # Ctrl-D
        out, err = process.communicate(timeout=60)
    finally:
        os.close(terminal)
    assert process.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0] == "Pustaka — /help — Ctrl-D"
    assert lines[1].startswith("> ") and "From now on I will answer you in English" in lines[1]
    assert lines[-1] == "> "

    piped = pustaka("chat", "--locale", "en", cwd=tmp_path, stdin=b"/lang en\n")
    assert piped.stdout.decode().startswith("From now on I will answer you in English")
    assert "> " not in piped.stdout.decode()
