"""Run the built image as README "In a container" says, against the loopback fake Telegram.

The fake Bot API (tests/fakes/telegram_api.py) listens on 127.0.0.1 on this machine; the
container shares the host's network (``--network host``) and finds it through a config.toml
written into its /data volume; the token comes from the environment. Checked, in order:

- the bot's process (PID 1 in the container) runs as uid 10001, not root;
- /start in a private chat is answered;
- a moderator's event, saved, and a member's Going; a member's private ``/remind me``;
- the database is a file in the volume mounted at /data;
- ``docker kill`` (SIGKILL) then ``docker start``: ``/remind list`` still lists the reminder and
  ``/event list`` still counts one going;
- ``docker exec … pustaka status`` and ``pustaka backup`` work;
- the container removed and a new one started on the same volume still has both;
- ``docker stop`` (SIGTERM) ends the bot cleanly (exit code 0).

Docker is needed; ``make test`` never runs this. deploy/try-container.sh builds the image and
runs it:

    python -m tests.container [--image pustaka] [--name pustaka-try] [--volume pustaka-try-data]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from typing import Any

from tests.fakes import telegram_api
from tests.fakes.telegram_api import (
    FakeTelegram,
    callback_press,
    group_chat,
    private_chat,
    text_message,
)

GROUP = -100500
LIBRARIAN = telegram_api.user(4004, "Bu Rina")
MEMBER = telegram_api.user(1001, "Sari")
TITLE = "Bedah Buku Laut Bercerita"
REMINDER = "kembalikan buku Laut Bercerita"
MENUS = 6  # setMyCommands calls at each start: two languages × three scopes


def docker(*args: str, input: str | None = None, check: bool = True) -> str:
    print("  $ docker " + " ".join(args), flush=True)
    done = subprocess.run(
        ["docker", *args], input=input, capture_output=True, text=True, check=False
    )
    if check and done.returncode != 0:
        raise SystemExit(f"docker {args[0]} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout.strip()


def ok(what: str) -> None:
    print(f"✓ {what}", flush=True)


class Trial:
    def __init__(self, fake: FakeTelegram, args: argparse.Namespace) -> None:
        self.fake = fake
        self.image, self.name, self.volume = args.image, args.name, args.volume

    async def run_container(self) -> None:
        """`docker run` as README says, then wait until the bot has set its command menus."""
        menus = len(self.fake.sent("setMyCommands"))
        began = time.monotonic()
        docker(
            "run", "-d", "--name", self.name, "--network", "host",
            "-v", f"{self.volume}:/data",
            "-e", f"PUSTAKA_TELEGRAM_TOKEN={self.fake.token}",
            self.image,
        )  # fmt: skip
        await self.started(menus)
        ok(f"the bot started in {time.monotonic() - began:.1f} s: its command menus were set")

    async def started(self, menus: int) -> None:
        try:
            await self.fake.wait_for("setMyCommands", count=menus + MENUS, within=90)
        except TimeoutError:
            print(docker("logs", "--tail", "40", self.name, check=False))
            raise SystemExit("the bot did not start") from None

    async def answer(self, text: str, chat: dict[str, Any], sender: dict[str, Any]) -> str:
        """The bot's first message to `chat` after `text` was sent there."""
        before = len(self.fake.calls)
        self.fake.push_update(text_message(text, chat=chat, sender=sender))
        for _ in range(400):
            for call in self.fake.calls[before:]:
                if call.method == "sendMessage" and int(call.params["chat_id"]) == chat["id"]:
                    return str(call.params["text"])
            await asyncio.sleep(0.05)
        raise SystemExit(f"no answer to {text!r}")

    async def shown_with(self, label: str, after: int) -> tuple[dict[str, Any], str]:
        """The group message (sent or edited after call `after`) with a button `label`."""
        for _ in range(400):
            for call in reversed(self.fake.calls[after:]):
                if call.method not in ("sendMessage", "editMessageText"):
                    continue
                keyboard = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
                buttons = {b["text"]: b["callback_data"] for row in keyboard for b in row}
                if label in buttons:
                    message = {
                        "message_id": int(call.params.get("message_id") or 2000),
                        "date": 0,
                        "chat": group_chat(GROUP),
                        "text": call.params["text"],
                    }
                    return message, buttons[label]
            await asyncio.sleep(0.05)
        raise SystemExit(f"no message with a {label!r} button")

    async def event_with_one_going(self) -> None:
        before = len(self.fake.calls)
        self.fake.push_update(
            text_message(
                f'/event create "{TITLE}" "2030-12-05 14:00"',
                chat=group_chat(GROUP),
                sender=LIBRARIAN,
            )
        )
        draft, save = await self.shown_with("Simpan", before)
        before = len(self.fake.calls)
        self.fake.push_update(callback_press(save, message=draft, sender=LIBRARIAN))
        card, going = await self.shown_with("Hadir", before)
        answers = len(self.fake.sent("answerCallbackQuery"))
        self.fake.push_update(callback_press(going, message=card, sender=MEMBER))
        await self.fake.wait_for("answerCallbackQuery", count=answers + 1)

    async def reminder_listed(self) -> str:
        listed = await self.answer("/remind list", private_chat(MEMBER["id"]), MEMBER)
        if REMINDER not in listed:
            raise SystemExit(f"/remind list does not show the reminder:\n{listed}")
        return listed

    async def event_listed_with_one_going(self) -> str:
        events = await self.answer("/event list", group_chat(GROUP), MEMBER)
        if TITLE not in events or "1 hadir" not in events:
            raise SystemExit(f"/event list lost the event or its Going:\n{events}")
        return events

    async def run(self) -> None:
        docker("rm", "-f", self.name, check=False)
        docker("volume", "rm", "-f", self.volume)
        docker("volume", "create", self.volume)
        settings = f'[telegram]\nbase_url = "{self.fake.base_url}"\n'
        docker(
            "run", "--rm", "-i", "-v", f"{self.volume}:/data", self.image,
            "sh", "-c", "cat > /data/config.toml",
            input=settings,
        )  # fmt: skip
        ok(f"config.toml written into the volume {self.volume}: {settings.strip()!r}")

        await self.run_container()
        uid = docker("exec", self.name, "stat", "-c", "%u", "/proc/1")
        user = docker("exec", self.name, "id")
        if uid != "10001":
            raise SystemExit(f"the bot runs as uid {uid}")
        ok(f"the bot's process (PID 1) runs as uid {uid}; docker exec runs as: {user}")

        welcome = await self.answer("/start", private_chat(MEMBER["id"]), MEMBER)
        ok(f"/start answered: {welcome.splitlines()[0]!r}")

        await self.event_with_one_going()
        ok(f"event {TITLE!r} saved by a moderator, a member pressed Going")
        made = await self.answer(
            f"/remind me 2030-11-30 09:00 {REMINDER}", private_chat(MEMBER["id"]), MEMBER
        )
        ok(f"/remind me answered: {made.splitlines()[0]!r}")
        await self.reminder_listed()

        mounts = docker(
            "inspect", "-f",
            "{{range .Mounts}}{{.Type}} {{.Name}} -> {{.Destination}}{{end}}",
            self.name,
        )  # fmt: skip
        files = docker("exec", self.name, "ls", "-ln", "/data")
        if f"volume {self.volume} -> /data" not in mounts or "pustaka.db" not in files:
            raise SystemExit(f"the database is not in the volume: {mounts}\n{files}")
        ok(f"the database is in the volume ({mounts}):\n{files}")

        menus = len(self.fake.sent("setMyCommands"))
        docker("kill", self.name)
        state = docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", self.name)
        ok(f"docker kill: the container is {state}")
        docker("start", self.name)
        await self.started(menus)
        listed = await self.reminder_listed()
        ok(f"after docker kill + docker start, /remind list still shows it: {listed!r}")
        events = await self.event_listed_with_one_going()
        ok(f"/event list after the restart: {events!r}")

        status = docker("exec", self.name, "pustaka", "status")
        if "telegram" not in status.lower():
            raise SystemExit(f"pustaka status does not name Telegram:\n{status}")
        ok(f"docker exec {self.name} pustaka status:\n{status}")
        backup = docker("exec", self.name, "pustaka", "backup", "/data/backup.db")
        check = docker(
            "exec", self.name, "python", "-c",
            "import sqlite3; print(sqlite3.connect('/data/backup.db')"
            ".execute('PRAGMA integrity_check').fetchone()[0])",
        )  # fmt: skip
        if check != "ok":
            raise SystemExit(f"the backup is damaged: {check}")
        ok(f"docker exec {self.name} pustaka backup /data/backup.db: {backup} (integrity {check})")

        docker("rm", "-f", self.name)
        await self.run_container()
        await self.reminder_listed()
        await self.event_listed_with_one_going()
        ok("a new container on the same volume still has the reminder and the member's Going")

        started = time.monotonic()
        docker("stop", self.name)
        took = time.monotonic() - started
        code = docker("inspect", "-f", "{{.State.ExitCode}}", self.name)
        if code != "0":
            print(docker("logs", "--tail", "40", self.name, check=False))
            raise SystemExit(f"docker stop: exit code {code}")
        ok(f"docker stop: the bot ended cleanly (exit code {code}) in {took:.1f} s")


async def main(args: argparse.Namespace) -> None:
    fake = FakeTelegram()
    await fake.start()
    fake.admins[GROUP] = [LIBRARIAN["id"]]
    try:
        await Trial(fake, args).run()
    finally:
        if not args.keep:
            docker("rm", "-f", args.name, check=False)
            docker("volume", "rm", "-f", args.volume, check=False)
        await fake.stop()
    size = int(docker("image", "inspect", "-f", "{{.Size}}", args.image))
    ok(f"image {args.image}: {size / 1e6:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="pustaka")
    parser.add_argument("--name", default="pustaka-try")
    parser.add_argument("--volume", default="pustaka-try-data")
    parser.add_argument("--keep", action="store_true", help="leave the container and volume")
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
