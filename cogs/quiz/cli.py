"""`pustaka quiz import FILE [--community C]`, the quiz's command-line verb."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.api.package import OpenStore, Verb
from bot.config import Config
from cogs.quiz.importing import ImportRefused, check_pack, import_pack


def _arguments(quiz: argparse.ArgumentParser) -> None:
    actions = quiz.add_subparsers(dest="quiz_command", metavar="ACTION", required=True)
    load = actions.add_parser(
        "import",
        help="validate a quiz pack (TOML) and keep it for one community",
        description="Validate a quiz pack and keep it for one community; every problem is"
        " listed. Importing a file of the same name again replaces that pack.",
    )
    load.add_argument("file", type=Path, metavar="FILE", help="the quiz pack (TOML)")
    load.add_argument(
        "--community",
        metavar="C",
        help="platform:id (e.g. telegram:-1001234, discord:1234), console, or the group's"
        " name; needed when the bot knows several communities",
    )


async def _run(args: argparse.Namespace, config: Config, open_store: OpenStore) -> int:
    try:
        checked = check_pack(args.file)
        async with open_store() as store:
            done = await import_pack(store, checked, args.community)
    except ImportRefused as error:
        print(f"pustaka: {error}", file=sys.stderr)
        return 2
    verb = "Imported" if done.new else "Replaced"
    print(f"{verb} {done.title} ({done.questions} questions) for {done.community}.")
    return 0


VERB = Verb("quiz", "manage quiz packs", _arguments, _run)
