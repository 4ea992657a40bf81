"""CPU time to read a catalog file (parse it and make the rows the store writes) with the code of
one or more checkouts, in turns: the reading half of an import, compared before and after a change.

    python bench/catalog_read.py FILE FORMAT TREE [TREE …] [--rounds N]

e.g. ``python bench/catalog_read.py bench/.cache/import-100000.mrc marc ../before .`` after
``python bench/catalog_import.py`` made the file. Each reading runs in a fresh process with that
tree's ``bot`` package; CPU time (not wall time) is reported, which moves less than wall time when
other work shares the machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

READ = """
import sys, time
sys.path.insert(0, sys.argv[1])
from bot.catalog.importers.load import read_items
from bot.catalog.records import Record, stored_row
with open(sys.argv[2], "rb") as handle:
    start = time.process_time()
    items = read_items(handle, sys.argv[3], name="file")
    count = sum(1 for item in items if isinstance(item, Record) and stored_row(item))
    print(count, time.process_time() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("format", choices=("slims-csv", "csv", "marc", "marcxml"))
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    totals = dict.fromkeys(args.trees, 0.0)
    for round_ in range(1, args.rounds + 1):
        for tree in args.trees:
            done = subprocess.run(
                [sys.executable, "-c", READ, str(tree.resolve()), str(args.file), args.format],
                capture_output=True,
                text=True,
                check=True,
            )
            count, seconds = done.stdout.split()
            totals[tree] += float(seconds)
            print(f"round {round_}  {tree}  {int(count):,} records  CPU {float(seconds):.2f} s")
    for tree, total in totals.items():
        print(f"total  {tree}  CPU {total:.2f} s")


if __name__ == "__main__":
    main()
