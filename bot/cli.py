"""The `pustaka` command (also `python -m bot`).

Exit status: 0 on success and after a clean shutdown, 2 for a configuration or usage problem
(printed as one line, never a traceback), 1 for anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import SUPPORTED_LOCALES, Config, ConfigError, load_config
from bot.logs import setup_logging
from bot.store import StoreError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pustaka", description="Pustaka, a community bot for a library's readers."
    )
    parser.add_argument("--config", metavar="PATH", help="configuration file (TOML)")
    parser.add_argument("--version", action="version", version=f"pustaka {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run", help="start every platform that has a token; the console chat when none has"
    )
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default=_default_user(), help="your member name in the chat")
    chat.add_argument("--moderator", action="store_true", help="chat as a moderator")
    chat.add_argument("--locale", choices=SUPPORTED_LOCALES, help="your platform language")
    backup = commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("path", type=Path, help="where to write the copy")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"pustaka: configuration error: {error}", file=sys.stderr)
        return 2
    command = args.command or "run"
    chatting = command == "chat" or (command == "run" and not config.platforms_with_tokens())
    # In the console chat the log shares the terminal with the conversation: warnings only.
    level = "WARNING" if chatting and config.bot.log_level != "DEBUG" else config.bot.log_level
    setup_logging(level, config.secrets())
    try:
        if command == "backup":
            return _backup(config, args.path)
        if command == "run" and not chatting:
            return 0 if asyncio.run(_platforms(config)) else 1
        if command == "run":
            print(
                "No Discord or Telegram token is configured: starting the console chat.",
                file=sys.stderr,
            )
        user = getattr(args, "user", None) or _default_user()
        asyncio.run(
            _chat(
                config,
                user=user,
                moderator=getattr(args, "moderator", False),
                locale=getattr(args, "locale", None),
            )
        )
        return 0
    except StoreError as error:
        print(f"pustaka: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def _platforms(config: Config) -> bool:
    """Every platform with a token, served together from one process and one database."""
    from bot.app import Adapter, App, serve

    app = await App.open(config)
    adapters: list[Adapter] = []
    if config.telegram.token:
        from bot.adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(app.dispatcher))
    if config.discord.token:
        from bot.adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(app.dispatcher))
    return await serve(app, adapters)


async def _chat(config: Config, *, user: str, moderator: bool, locale: str | None) -> None:
    from bot.adapters.console import ConsoleAdapter
    from bot.app import App, serve

    app = await App.open(config)
    console = ConsoleAdapter(app.dispatcher, user=user, moderator=moderator, locale=locale)
    await serve(app, [console])


def _backup(config: Config, destination: Path) -> int:
    from bot.backup import backup_database

    written = backup_database(config.database.path, destination)
    size = written.stat().st_size
    print(f"Backup of {config.database.path} written to {written} ({size / 1024:.0f} KiB).")
    return 0


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "reader"
