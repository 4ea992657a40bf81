"""`pustaka noticeboard`: every community's notices, for the librarian at the terminal."""

from __future__ import annotations

import argparse

from bot.api.package import OpenStore, Verb
from bot.config import Config


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--author", metavar="NAME", help="only this member's notices")


async def _run(args: argparse.Namespace, config: Config, open_store: OpenStore) -> int:
    async with open_store() as store:
        rows = await store.fetchall(
            "SELECT author, text FROM noticeboard_notices WHERE ? IS NULL OR author = ?"
            " ORDER BY id",
            (args.author, args.author),
        )
    for author, notice in rows:
        print(f"{author}: {notice}")
    print(f"{len(rows)} notices.")
    return 0


VERB = Verb("noticeboard", "list the notices pinned in every community", _arguments, _run)
