"""The `pustaka` command (also `python -m bot`).

Exit status: 0 on success and after a clean shutdown, 2 for a configuration or usage problem
(printed as one line, never a traceback), 1 for anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot import __version__
from bot.api.package import FeaturePackage
from bot.config import SUPPORTED_LOCALES, Config, ConfigError, load_config
from bot.process.features import discover
from bot.process.logs import setup_logging
from bot.storage.store import Store, StoreError

if TYPE_CHECKING:
    from bot.process.app import Adapter, App

CONFIG_HELP = "configuration file (TOML)"


def build_parser(packages: Sequence[FeaturePackage] = ()) -> argparse.ArgumentParser:
    """The command line: the core's commands and every feature's verbs."""
    parser = argparse.ArgumentParser(
        prog="pustaka", description="Pustaka, a community bot for a library's readers."
    )
    parser.add_argument("--config", metavar="PATH", help=CONFIG_HELP)
    parser.add_argument("--version", action="version", version=f"pustaka {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser = partial(commands.add_parser, parents=[_global_options()])  # type: ignore[method-assign]
    commands.add_parser(
        "run", help="start every platform that has a token; the console chat when none has"
    )
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default=_default_user(), help="your member name in the chat")
    chat.add_argument("--moderator", action="store_true", help="chat as a moderator")
    chat.add_argument("--locale", choices=SUPPORTED_LOCALES, help="your platform language")
    chat.add_argument(
        "--files",
        type=Path,
        metavar="DIR",
        help="where files the bot sends (an event's .ics) are written (default: a new temporary"
        " folder, named when the first file arrives)",
    )
    commands.add_parser(
        "status", help="what the running bot is doing: connections, waiting updates and jobs"
    )
    backup = commands.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("path", type=Path, help="where to write the copy")
    database = commands.add_parser("db", help="the database: copy it into PostgreSQL")
    db_actions = database.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = db_actions.add_parser(
        "migrate",
        help="copy the SQLite database into an empty PostgreSQL database, verified",
        description="Copy every row of the SQLite database ([database] path) into an empty"
        " PostgreSQL database, then check each table's row count and checksum. Afterwards set"
        " [database] url to the same URL.",
    )
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/db")
    _add_catalog_commands(commands)
    for package in packages:
        for verb in package.verbs:
            verb.arguments(commands.add_parser(verb.name, help=verb.help))
    kinds = [kind for package in packages for kind in package.reports]
    if kinds:
        report = commands.add_parser("report", help="write a report for the librarians")
        reports = report.add_subparsers(dest="report_kind", metavar="KIND", required=True)
        for kind in kinds:
            kind.arguments(reports.add_parser(kind.name, help=kind.help))
    return parser


def _global_options() -> argparse.ArgumentParser:
    """The options every command accepts after its name too (`pustaka run --config x.toml`).

    Their default is to leave the attribute alone, so a value given before the command is
    not overwritten by a command that does not repeat it.
    """
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)
    return options


def _add_catalog_commands(commands: argparse._SubParsersAction) -> None:
    from bot.catalog.importers.base import FORMATS, METADATA_PREFIXES
    from bot.catalog.importers.generic_csv import COLUMNS_HELP

    catalog = commands.add_parser(
        "catalog", help="import or harvest the library's catalog; list or remove its sources"
    )
    actions = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    actions.add_parser = partial(actions.add_parser, parents=[_global_options()])  # type: ignore[method-assign]
    load = actions.add_parser(
        "import",
        help="import a catalog file: SLiMS CSV export, CSV, MARC21 or MARCXML (Koha, INLISLite)",
        description="Import a catalog file, the source's whole catalog: importing the same file"
        " again changes nothing, a changed record is updated, and the source's books the file"
        " no longer has are removed (members' shelves, ratings and clubs follow the same book"
        " elsewhere or keep its title).",
        epilog=COLUMNS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("file", type=Path, metavar="FILE", help="the catalog file")
    load.add_argument(
        "--format", choices=FORMATS, help="the file's format (default: told from its content)"
    )
    load.add_argument(
        "--source",
        metavar="NAME",
        help='the name its records are kept under (default: "slims", "koha", "marc",'
        ' or "csv:" and the file name)',
    )
    load.add_argument(
        "--encoding",
        metavar="NAME",
        help="binary MARC only: the encoding its text is really in, whatever its leaders say"
        " (cp1251, latin-1, marc-8 …); by default a file whose text does not read as its"
        " leaders say is refused, naming the encoding it seems to be in",
    )
    load.add_argument(
        "--partial",
        action="store_true",
        help="the file holds only some of the source's records: remove none of its books",
    )
    load.add_argument(
        "--allow-mass-removal",
        action="store_true",
        help="remove the source's books the file lacks even when they are more than"
        " [catalog] max_removal_percent (20%%) of them",
    )
    oai = actions.add_parser(
        "harvest",
        help="harvest a catalog over OAI-PMH (SLiMS, INLISLite, Koha)",
        description="Harvest a catalog over OAI-PMH; later harvests fetch only what changed.",
    )
    oai.add_argument("url", metavar="URL", help="the OAI-PMH base URL, e.g. …/oai2.php")
    oai.add_argument("--metadata-prefix", choices=METADATA_PREFIXES, default="oai_dc")
    oai.add_argument("--set", dest="set_spec", metavar="S", help="harvest only this set")
    oai.add_argument(
        "--from",
        dest="from_",
        type=_day,
        metavar="YYYY-MM-DD",
        help="harvest changes since this day (default: since the last harvest)",
    )
    actions.add_parser(
        "sources",
        help="where the catalog's books come from, with how many books and copies each",
        description='List the catalog\'s sources ("sample" is the bundled sample catalog).',
    )
    remove = actions.add_parser(
        "remove",
        help="remove every book of one source (members' shelves follow the same book elsewhere)",
        description="Remove one source's books and copies. Members' shelves, ratings, clubs"
        " and suggestions on a removed book follow the same book in another source (same ISBN,"
        " else same title and author) where there is one.",
    )
    remove.add_argument("source", metavar="SOURCE", help="as `pustaka catalog sources` lists it")
    actions.add_parser(
        "check",
        help="connect to each [[catalog.sources]] and say what the bot can read from it",
        description="Connect to each configured library system and say what can be read:"
        " records, copies, loans, deletions. Nothing is written.",
    )


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def main(
    argv: Sequence[str] | None = None, packages: Sequence[FeaturePackage] | None = None
) -> int:
    """`packages`: the features to serve, by default every folder under cogs/."""
    packages = discover() if packages is None else list(packages)
    args = build_parser(packages).parse_args(argv)
    try:
        config = load_config(args.config, sections=[s for p in packages for s in p.sections])
    except ConfigError as error:
        print(f"pustaka: configuration error: {error}", file=sys.stderr)
        return 2
    command = args.command or "run"
    chatting = command == "chat" or (command == "run" and not config.platforms_with_tokens())
    # In the console chat the log shares the terminal with the conversation: warnings only.
    level = "WARNING" if chatting and config.bot.log_level != "DEBUG" else config.bot.log_level
    setup_logging(level, config.secrets())
    try:
        if command == "catalog":
            return _catalog(config, args)
        if command == "backup":
            return _backup(config, args.path)
        if command == "db":
            return _db_migrate(config, packages, args.to)
        if command == "status":
            return _status(config)
        if command == "report":
            return asyncio.run(_report(config, packages, args))
        verbs = {verb.name: verb for package in packages for verb in package.verbs}
        if command in verbs:
            opener = partial(open_store, config, packages)
            return asyncio.run(verbs[command].run(args, config, opener))
        if command == "run" and not chatting:
            return 0 if asyncio.run(_platforms(config, packages)) else 1
        if command == "run":
            print(
                "No Discord or Telegram token is configured: starting the console chat.",
                file=sys.stderr,
            )
        user = getattr(args, "user", None) or _default_user()
        asyncio.run(
            _chat(
                config,
                packages,
                user=user,
                moderator=getattr(args, "moderator", False),
                locale=getattr(args, "locale", None),
                files=getattr(args, "files", None),
            )
        )
        return 0
    except StoreError as error:
        print(f"pustaka: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


async def _platforms(config: Config, packages: Sequence[FeaturePackage]) -> bool:
    """Every platform with a token, served together from one process and one database."""
    from bot.process.app import App, serve

    app = await App.open(config, features=packages)
    adapters: list[Adapter] = []
    if config.telegram.token:
        from bot.adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(app.dispatcher))
    if config.discord.token:
        from bot.adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(app.dispatcher))
    return await serve(app, adapters, _web(app))


async def _chat(
    config: Config,
    packages: Sequence[FeaturePackage],
    *,
    user: str,
    moderator: bool,
    locale: str | None,
    files: Path | None,
) -> None:
    from bot.adapters.console import ConsoleAdapter
    from bot.process.app import App, serve

    app = await App.open(config, features=packages)
    console = ConsoleAdapter(
        app.dispatcher, user=user, moderator=moderator, locale=locale, files=files
    )
    await serve(app, [console], _web(app))


def _web(app: App) -> list[Adapter]:
    """The web dashboard, when the configuration turns it on."""
    if not app.services.config.web.enabled:
        return []
    from bot.web.server import WebServer

    return [WebServer(app.dispatcher)]


def _catalog(config: Config, args: argparse.Namespace) -> int:
    from bot.catalog.harvest import HarvestError
    from bot.catalog.importers.base import CatalogFileError
    from bot.catalog.importers.commands import run_harvest, run_import, run_remove, run_sources

    database = config.database.target
    if args.catalog_command == "check":
        from bot.catalog.sync.check import check_sources
        from bot.catalog.sync.sources import live_source

        sources = [live_source(s) for s in config.catalog.sources]
        return asyncio.run(check_sources(sources, print))
    try:
        if args.catalog_command == "import":
            work = run_import(
                database,
                args.file,
                format=args.format,
                source=args.source,
                encoding=args.encoding,
                partial=args.partial,
                allow_mass_removal=args.allow_mass_removal,
                max_share=config.catalog.max_removal_percent / 100,
            )
        elif args.catalog_command == "sources":
            work = run_sources(database)
        elif args.catalog_command == "remove":
            work = run_remove(database, args.source)
        else:
            work = run_harvest(
                database,
                args.url,
                metadata_prefix=args.metadata_prefix,
                set_spec=args.set_spec,
                from_=args.from_,
            )
        return asyncio.run(work)
    except (CatalogFileError, HarvestError) as error:
        print(f"pustaka: {error}", file=sys.stderr)
        return 2


def _db_migrate(config: Config, packages: Sequence[FeaturePackage], url: str) -> int:
    from bot.storage.copy import copy_database
    from bot.storage.store import is_postgres_url

    if not is_postgres_url(url):
        print(f"pustaka: {url!r} is not a postgresql:// URL", file=sys.stderr)
        return 2
    if not config.database.path.is_file():
        print(f"pustaka: no database at {config.database.path}: nothing to copy", file=sys.stderr)
        return 2
    copied = asyncio.run(
        copy_database(config.database.path, url, [p.migrations for p in packages], progress=print)
    )
    rows = sum(table.rows for table in copied)
    print(
        f"Copied {rows} rows in {len(copied)} tables from {config.database.path} into PostgreSQL;"
        " every table's row count and checksum match. Set [database] url to use it."
    )
    return 0


def _status(config: Config) -> int:
    from bot.process.status import report

    try:
        lines = report(config.database.target)
    except FileNotFoundError:
        print(f"pustaka: no database at {config.database.path}: the bot has not run yet")
        return 2
    print("\n".join(lines))
    return 0


def _backup(config: Config, destination: Path) -> int:
    from bot.storage.backup import backup_database

    written = backup_database(config.database.path, destination)
    size = written.stat().st_size
    print(f"Backup of {config.database.path} written to {written} ({size / 1024:.0f} KiB).")
    return 0


async def _report(
    config: Config, packages: Sequence[FeaturePackage], args: argparse.Namespace
) -> int:
    """`pustaka report KIND`: the kind runs with every feature built, as in the bot."""
    from bot.process.app import App

    kinds = {kind.name: kind for package in packages for kind in package.reports}
    app = await App.open(config, features=packages, start=False)
    try:
        return await kinds[args.report_kind].run(args, app.services)
    finally:
        await app.close()


@asynccontextmanager
async def open_store(config: Config, packages: Sequence[FeaturePackage]) -> AsyncIterator[Store]:
    """The database for a command-line verb, with every feature's tables migrated."""
    store = await Store.open(config.database.target, packages=[p.migrations for p in packages])
    try:
        yield store
    finally:
        await store.close()


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "reader"
