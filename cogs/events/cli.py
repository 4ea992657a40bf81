"""`pustaka calendar export FILE`: the events as an iCalendar file, for a library's website."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.api.package import OpenStore, Verb
from bot.config import Config
from cogs.events.calendar import export_calendar


def _arguments(calendar: argparse.ArgumentParser) -> None:
    actions = calendar.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write every upcoming event (a repeating one as one entry) to FILE"
    )
    export.add_argument("file", type=Path, metavar="FILE", help="where to write the .ics file")


async def _run(args: argparse.Namespace, config: Config, open_store: OpenStore) -> int:
    try:
        async with open_store() as store:
            count = await export_calendar(store, config, args.file)
    except OSError as error:
        print(f"pustaka: cannot write {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    noun = "event" if count == 1 else "events"
    print(f"{count} upcoming {noun} written to {args.file}.")
    return 0


VERB = Verb("calendar", "the events as an iCalendar (.ics) file", _arguments, _run)
