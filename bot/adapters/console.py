"""The console chat: try Pustaka in a terminal, or pipe a conversation through it.

Each line read from standard input is a message from one member; replies are printed to standard
output. Buttons print with the typed command that does the same, and a bare number presses the
button of that number in the last reply. Follow-up messages from features print as they happen.
At the end of input the chat waits until no background work is pending, then returns.

In a terminal a prompt shows where to type; piped input gets none, so a piped conversation's
output is only the replies. A file in a reply (an event's .ics) is written to a folder (`files`,
by default a temporary folder made for the first one) and its path printed.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from rich.console import Console
from rich.text import Text as RichText

from bot.api.capabilities import Capabilities
from bot.api.commands import N_
from bot.api.context import Destination, Incoming
from bot.api.dispatch import Dispatcher
from bot.api.files import Attachment
from bot.api.replies import Choice, Reply
from bot.api.text import Text

PLATFORM = "console"
COMMUNITY = "console"
CHANNEL = "console"
CAPABILITIES = Capabilities(shared_room=True)
MAX_LINE = 1 << 20
SPOILER = N_("[spoiler, hidden]")  # the terminal cannot reveal on request: never printed
PROMPT = "> "


class ConsoleAdapter:
    capabilities = CAPABILITIES
    local = True  # prints where it runs: nothing in flight to lose, so no outbox

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        user: str,
        moderator: bool = False,
        locale: str | None = None,
        input: BinaryIO | None = None,
        output: TextIO | None = None,
        files: Path | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.user = user
        self.moderator = moderator
        self.locale = locale
        self._input = input or sys.stdin.buffer
        stream = output or sys.stdout
        self._console = Console(
            file=stream, highlight=False, soft_wrap=True, emoji=False, markup=False
        )
        self._choices: tuple[Choice, ...] = ()
        self._lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._files = files
        self._prompting = False
        self._message_ids = itertools.count(1)

    @property
    def _translations(self) -> Any:
        services = self.dispatcher.services
        return services.i18n.translations(self.locale or services.config.bot.locale)

    @property
    def _spoiler(self) -> str:
        """What stands for hidden text, in the console member's language."""
        return self._translations.gettext(SPOILER)

    @property
    def interactive(self) -> bool:
        return bool(getattr(self._input, "isatty", lambda: False)())

    async def run(self) -> None:
        """Chat until the end of input, then wait for pending background work."""
        services = self.dispatcher.services
        services.messenger.register(PLATFORM, self)
        try:
            self._start_reader()
            if self.interactive:
                self._console.print(RichText("Pustaka — /help — Ctrl-D", style="dim"))
                self._prompt()
            while (line := await self._lines.get()) is not None:
                self._prompting = False
                await self.say(line.decode("utf-8", errors="replace").rstrip("\r\n"))
                self._prompt()
            if self._prompting:
                self._console.print()
            await services.tasks.wait_idle()
        finally:
            services.messenger.unregister(PLATFORM)

    async def say(self, text: str) -> list[Reply]:
        """Handle one line as the console member, print and return the replies."""
        pressed = self._pressed(text)
        text, attachments = local_files(text)
        replies = await self.dispatcher.handle_text(
            Incoming(
                platform=PLATFORM,
                member_id=self.user,
                display_name=self.user,
                channel_id=CHANNEL,
                text=pressed.command if pressed else text,
                community_id=COMMUNITY,
                community_name=self.dispatcher.services.config.bot.name,
                platform_locale=self.locale,
                platform_moderator=self.moderator,
                direct=True,
                attachments=attachments,
            )
        )
        self.print(replies)
        return replies

    async def deliver(self, destination: Destination, replies: Sequence[Reply]) -> None:
        """Follow-up messages: everything addressed to the console prints here, a room's
        messages headed by the room's name."""
        prompted = self._prompting
        if prompted:
            self._console.print()  # below the prompt, which is shown again after
            self._prompting = False
        if destination.channel_id != CHANNEL and not destination.private:
            self._console.print(RichText(f"[{destination.channel_id}]", style="bold magenta"))
        self.print(replies)
        if prompted:
            self._prompt()

    async def post(self, destination: Destination, reply: Reply) -> list[str]:
        """A post that may be edited or deleted later: printed like any follow-up, with the
        number it is known by."""
        number = str(next(self._message_ids))
        await self.deliver(destination, [reply])
        return [f"console-{number}"]

    async def edit(
        self, destination: Destination, message_ids: Sequence[str], reply: Reply
    ) -> None:
        shown = RichText(f"✎ {', '.join(message_ids)}", style="dim")
        self._console.print(shown)
        await self.deliver(destination, [reply])

    async def delete(self, destination: Destination, message_ids: Sequence[str]) -> None:
        self._console.print(RichText(f"🗑 {', '.join(message_ids)}", style="dim"))
        self._console.print()

    async def open_thread(
        self, where: Destination, name: str, first: Reply, *, again: bool = False
    ) -> Destination:
        """The console has no threads: a named room, shown by its name before its messages."""
        room = Destination(PLATFORM, f"#{name}", where.community_id)
        await self.deliver(room, [first])
        return room

    def print(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            out = render(reply, spoiler=self._spoiler)
            if reply.attachment:
                out.append("\n")
                out.append(self._save(*reply.attachment), style="dim")
            self._console.print(out)
            self._console.print()
            if reply.choices or reply.poll:
                self._choices = _pressable(reply)

    def _prompt(self) -> None:
        if self.interactive and not self._prompting:
            self._console.print(RichText(PROMPT, style="bold"), end="")
            self._console.file.flush()
            self._prompting = True

    def _save(self, name: str, content: bytes) -> str:
        """Write a reply's file into the files folder; the line saying where it is."""
        if self._files is None:
            self._files = Path(tempfile.mkdtemp(prefix="pustaka-files-"))
        self._files.mkdir(parents=True, exist_ok=True)
        path = self._files / (Path(name).name or "file")
        path.write_bytes(content)
        said = self._translations.ngettext(
            "File {name} ({size} byte): {path}", "File {name} ({size} bytes): {path}", len(content)
        )
        return said.format(name=path.name, size=len(content), path=path.resolve())

    def _pressed(self, text: str) -> Choice | None:
        stripped = text.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self._choices):
            return self._choices[int(stripped) - 1]
        return None

    def _start_reader(self) -> None:
        """Read standard input in a daemon thread, so a blocked read never holds up shutdown.

        Reads the file descriptor itself where there is one: a thread blocked inside a buffered
        reader at interpreter exit would abort the process.
        """
        loop = asyncio.get_running_loop()

        def read() -> None:
            try:
                for line in _lines(self._input):
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except (OSError, ValueError):
                pass
            finally:
                loop.call_soon_threadsafe(self._lines.put_nowait, None)

        threading.Thread(target=read, name="console-input", daemon=True).start()


def _lines(source: BinaryIO) -> Iterator[bytes]:
    """Lines of at most MAX_LINE bytes (the rest of a longer line is dropped)."""
    try:
        fd = source.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    pending, skipping = b"", False
    while True:
        chunk = os.read(fd, 65536) if fd is not None else source.read(65536)
        if not chunk:
            break
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            if not skipping:
                yield line[:MAX_LINE]
            skipping = False
        if len(pending) > MAX_LINE:
            if not skipping:
                yield pending[:MAX_LINE]
            pending, skipping = b"", True
    if pending and not skipping:
        yield pending[:MAX_LINE]


def render(reply: Reply, *, spoiler: str = SPOILER) -> RichText:
    """A reply as terminal text: styles become colours when printing to a terminal."""
    out = RichText()
    if reply.private:
        out.append("🔒 ", style="dim")
    if reply.title:
        out.append(reply.title, style="bold underline")
        out.append("\n")
    _append(out, reply.text, spoiler)
    for field in reply.fields:
        out.append("\n")
        out.append(field.name, style="bold")
        out.append("\n")
        _append(out, field.value, spoiler)
    if reply.image_url:
        out.append(f"\n🖼 {reply.image_url}", style="dim")
    if reply.image:
        out.append(f"\n🖼 {reply.image[0]} ({len(reply.image[1])} B)", style="dim")
    if reply.poll:
        out.append("\n📊 ", style="bold")
        out.append(reply.poll.question, style="bold")
    for choice in reply.choices:
        if choice.url:
            out.append("\n  🔗 ", style="bold")
            out.append(choice.label)
            out.append(f"  → {choice.url}", style="dim")
    for number, choice in enumerate(_pressable(reply), 1):
        out.append(f"\n  [{number}] ", style="bold")
        out.append(choice.label)
        out.append(f"  → {choice.command}", style="dim")
    if reply.footer:
        out.append(f"\n— {reply.footer}", style="dim")
    return out


def _pressable(reply: Reply) -> tuple[Choice, ...]:
    """The buttons a bare number presses: those that run a command (not links)."""
    found = reply.choices + (reply.poll.options if reply.poll else ())
    return tuple(choice for choice in found if not choice.url)


def _append(out: RichText, text: Text, spoiler: str) -> None:
    hidden = False
    for span in text.spans:
        if span.spoiler:
            if not hidden:
                out.append(spoiler, style="dim")
            hidden = True
            continue
        hidden = False
        style = " ".join(
            name
            for name, on in (("bold", span.bold), ("italic", span.italic), ("cyan", span.code))
            if on
        )
        if span.url and span.url != span.text:
            out.append(f"{span.text} ({span.url})", style=style or "underline")
        else:
            out.append(span.text, style=style or ("underline" if span.url else ""))


def local_files(line: str) -> tuple[str, tuple[Attachment, ...]]:
    """``/quiz import @pack.toml``: words naming an existing file after ``@`` are sent as files,
    the console's way of attaching one. Other words with ``@`` stay as typed."""
    words, files = [], []
    for word in line.split(" "):
        path = Path(word[1:]).expanduser() if word.startswith("@") and len(word) > 1 else None
        if path is not None and path.is_file():
            files.append(
                Attachment(
                    path.name, path.stat().st_size, partial(asyncio.to_thread, path.read_bytes)
                )
            )
        else:
            words.append(word)
    return " ".join(words), tuple(files)
