"""A consistent copy of the database, safe to take while the bot is writing to it.

SQLite's online backup API copies pages in steps. The source is opened read-only (a mistyped path
never creates an empty database) and held in one read transaction for the whole copy, so in WAL
mode the bot keeps writing meanwhile and the copy is the snapshot of the moment the backup began,
never restarted by those writes. The copy is written beside the destination as a single file
(rollback journal, no -wal to carry along), checked with ``integrity_check`` and only then renamed
over the destination, so an old backup is never replaced by a broken one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

from bot.storage.store import StoreError


def backup_database(
    source: Path | str, destination: Path | str, *, pages: int = 256, sleep: float = 0.0
) -> Path:
    """Copy the database at ``source`` to ``destination`` and return where it was written.

    ``destination`` may be an existing folder: the copy then gets the source's file name in it.
    ``pages`` is the number of pages copied per step; ``sleep`` the seconds to wait before
    retrying a step when the database is busy. Every problem is raised as a StoreError.
    """
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise StoreError(f"no database at {source}: has the bot run here yet?")
    if destination.is_dir():
        destination = destination / source.name
    if destination.exists() and os.path.samefile(destination, source):
        raise StoreError(f"the backup cannot be written over the database itself ({source})")
    if not destination.parent.is_dir():
        raise StoreError(f"no directory {destination.parent} to write the backup in")
    if pages < 1:
        raise StoreError(f"pages must be at least 1, not {pages}")
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
        )
        os.close(handle)
        temporary = Path(name)
        _copy(source, temporary, pages=pages, sleep=sleep)
        os.replace(temporary, destination)
        temporary = None
    except sqlite3.Error as error:
        raise StoreError(f"backup of {source} failed: {error}") from error
    except OSError as error:
        raise StoreError(f"cannot write the backup {destination}: {error}") from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
    return destination


def _copy(source: Path, target: Path, *, pages: int, sleep: float) -> None:
    original = sqlite3.connect(
        f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
    )
    try:
        original.execute("PRAGMA busy_timeout = 5000")
        # A read transaction for the whole backup: one snapshot, unaffected by the bot's writes.
        original.execute("BEGIN")
        original.execute("SELECT count(*) FROM sqlite_master").fetchone()
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            original.backup(copy, pages=pages, sleep=sleep)
            copy.execute("PRAGMA journal_mode = DELETE").fetchone()
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise StoreError(f"the copy of {source} failed its integrity check: {verdict}")
        finally:
            copy.close()
    finally:
        original.close()
