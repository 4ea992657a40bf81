"""A library's database from before feature packages, recorded from commit cbe4dd7 through real
commands (tests/fixtures/legacy_db/README.md), opened by this Pustaka: nothing is lost and the
bot carries on with it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Config
from bot.process.features import discover
from bot.storage.store import LAYOUT, Store
from bot.time.clock import FakeClock
from tests.bot.storage.test_store import in_old_columns
from tests.conftest import Chat
from tests.databases import on_postgres

pytestmark = pytest.mark.skipif(
    on_postgres(), reason="upgrades a SQLite file from an earlier release in place"
)

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "legacy_db" / "cbe4dd7.sql"


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the version bookkeeping and SQLite's own statistics."""
    with closing(sqlite3.connect(path)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name != 'schema_versions'"
            )
        ]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


@pytest.fixture
def config(config: Config) -> Config:
    with closing(sqlite3.connect(config.database.path)) as db:
        db.executescript(RECORDED.read_text(encoding="utf-8"))
    return config


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 5, 4, 0, tzinfo=UTC))


def test_the_recording_is_an_old_database(tmp_path: Path) -> None:
    """The fixture is what cbe4dd7 wrote: version 11 of the single chain, no table empty."""
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(RECORDED.read_text(encoding="utf-8"))
        assert db.execute("PRAGMA user_version").fetchone()[0] == 11
    found = rows(path)
    assert len(found) >= 40
    assert [table for table, content in found.items() if not content] == []


async def test_every_row_survives_the_upgrade(config: Config) -> None:
    """Opening it with every feature's tables upgrades it in place and keeps every row of every
    table (the scheduler is not running here, so due jobs stay as they were)."""
    before = rows(config.database.path)
    packages = [package.migrations for package in discover()]
    await (await Store.open(config.database.path, packages=packages)).close()
    after = rows(config.database.path)
    assert in_old_columns(after, before) == before
    with closing(sqlite3.connect(config.database.path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LAYOUT
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_members_find_their_library_as_it_was(make_chat: object) -> None:
    """After the upgrade the events, the club, the imported quiz pack and the shelf are there."""
    librarian: Chat = make_chat(user="pustakawan", moderator=True)  # type: ignore[operator]
    sari: Chat = make_chat(user="sari")  # type: ignore[operator]
    events = await sari.say("/event list")
    assert "Bedah Buku" in events and "Klub Baca" in events
    assert "Klub Sastra" in await sari.say("/club list")
    assert "Pengarang Nusantara" in await librarian.say("/quiz packs")
    assert "Bumi Manusia" in await sari.say("/shelf")
