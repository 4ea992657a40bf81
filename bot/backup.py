"""A consistent copy of the database, safe to take while the bot is writing to it.

SQLite's online backup API copies pages in steps; in WAL mode the bot keeps writing meanwhile and
the copy is a snapshot. It is written beside the destination, checked with ``integrity_check`` and
only then renamed over it, so an old backup is never replaced by a broken one.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.store import StoreError


def backup_database(
    source: Path | str, destination: Path | str, *, pages: int = 256, sleep: float = 0.0
) -> Path:
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise StoreError(f"no database at {source}: has the bot run here yet?")
    if destination.exists() and destination.resolve() == source.resolve():
        raise StoreError("the backup cannot be written over the database itself")
    if not destination.parent.is_dir():
        raise StoreError(f"no directory {destination.parent} to write the backup in")
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        original = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(temporary)
            try:
                original.execute("PRAGMA busy_timeout = 5000")
                original.backup(copy, pages=pages, sleep=sleep)
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
                if verdict != "ok":
                    raise StoreError(f"the copy failed its integrity check: {verdict}")
            finally:
                copy.close()
        finally:
            original.close()
        os.replace(temporary, destination)
    except sqlite3.Error as error:
        raise StoreError(f"backup of {source} failed: {error}") from error
    finally:
        if temporary.exists():
            temporary.unlink()
    return destination
