"""`pustaka report wanted --csv FILE`: what members asked for that the library lacks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.api.package import OpenStore, Verb
from bot.config import Config
from bot.time.clock import SystemClock
from cogs.recommend.demand import export_wanted


def _arguments(report: argparse.ArgumentParser) -> None:
    actions = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    wanted = actions.add_parser(
        "wanted",
        help="what members asked for that the library lacks or has all on loan, for acquisitions",
    )
    wanted.add_argument("--csv", type=Path, required=True, metavar="FILE", help="where to write")
    wanted.add_argument(
        "--days", type=int, default=365, metavar="N", help="asks of the last N days (default 365)"
    )


async def _run(args: argparse.Namespace, config: Config, open_store: OpenStore) -> int:
    try:
        async with open_store() as store:
            count = await export_wanted(store, args.csv, max(1, args.days), SystemClock().now())
    except OSError as error:
        print(f"pustaka: cannot write {args.csv}: {error.strerror}", file=sys.stderr)
        return 2
    noun = "title" if count == 1 else "titles"
    print(f"{count} wanted {noun} written to {args.csv}.")
    return 0


VERB = Verb("report", "reports for the librarians", _arguments, _run)
