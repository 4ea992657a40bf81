"""`pustaka report wanted --csv FILE`: what members asked for that the library lacks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.api.package import Report
from bot.api.services import Services
from cogs.recommend.demand import export_wanted


def _arguments(wanted: argparse.ArgumentParser) -> None:
    wanted.add_argument("--csv", type=Path, required=True, metavar="FILE", help="where to write")
    wanted.add_argument(
        "--days", type=int, default=365, metavar="N", help="asks of the last N days (default 365)"
    )


async def _run(args: argparse.Namespace, services: Services) -> int:
    try:
        count = await export_wanted(
            services.store, args.csv, max(1, args.days), services.clock.now()
        )
    except OSError as error:
        print(f"pustaka: cannot write {args.csv}: {error.strerror}", file=sys.stderr)
        return 2
    noun = "title" if count == 1 else "titles"
    print(f"{count} wanted {noun} written to {args.csv}.")
    return 0


REPORT = Report(
    "wanted",
    "what members asked for that the library lacks or has all on loan, for acquisitions",
    _arguments,
    _run,
)
