"""`pustaka db migrate --to postgresql://…`: a SQLite database in use copied into PostgreSQL with
every row, verified; the bot then finds its members, catalog and jobs there."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import load_config
from bot.process.app import App
from bot.time.clock import FakeClock
from tests import databases
from tests.conftest import Chat

pytestmark = pytest.mark.skipif(
    not databases.on_postgres(), reason="copies into PostgreSQL: run `make test-postgres`"
)
ROOT = Path(__file__).resolve().parents[3]


def sqlite_config(directory: Path) -> Path:
    path = directory / "config.toml"
    path.write_text(
        f'[database]\npath = "{directory / "pustaka.db"}"\n[openlibrary]\nenabled = false\n',
        encoding="utf-8",
    )
    return path


def migrate(directory: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PUSTAKA_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(sqlite_config(directory))]
        + ["db", "migrate", "--to", url],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


async def test_a_sqlite_database_in_use_moves_to_postgresql(tmp_path: Path) -> None:
    clock = FakeClock()
    config = load_config(sqlite_config(tmp_path), env={})
    app = await App.open(config, clock=clock)
    assert app.services.store.dialect == "sqlite"
    try:
        sari = Chat(app, user="sari")
        await sari.say("/lang en")
        assert "Bumi Manusia" in await sari.say("/book bumi manusia")
        await sari.say("/ingatkan besok jam 7 malam rapat klub")
        await sari.say("/rate Bumi Manusia 5 Wajib dibaca")
    finally:
        await app.close()

    url = databases.create(empty=True)
    done = migrate(tmp_path, url)
    assert done.returncode == 0, done.stderr
    assert "every table's row count and checksum match" in done.stdout
    assert "books: 1081 rows" in done.stdout

    moved = load_config(sqlite_config(tmp_path), env={})
    app = await App.open(replace(moved, database=replace(moved.database, url=url)), clock=clock)
    try:
        assert app.services.store.dialect == "postgresql"
        sari = Chat(app, user="sari")
        assert "Bumi Manusia" in await sari.say("/book bumi manusia")  # English: /lang kept
        assert "Search" in await sari.say("/help") or "search" in await sari.say("/help")
        assert (
            await app.services.store.fetchval("SELECT count(*) FROM jobs WHERE state = 'pending'")
            >= 1
        )
        new_id = await app.services.store.execute(
            "INSERT INTO command_usage (at, platform, command, outcome) VALUES (?, ?, ?, ?)",
            ("2026-01-01", "console", "help", "ok"),
        )
        most = await app.services.store.fetchval("SELECT max(id) FROM command_usage")
        assert new_id == most  # ids go on after the copied ones
    finally:
        await app.close()


def test_a_database_with_rows_is_not_copied_into(tmp_path: Path) -> None:
    async def make() -> None:
        app = await App.open(load_config(sqlite_config(tmp_path), env={}), clock=FakeClock())
        await Chat(app).say("/help")
        await app.close()

    asyncio.run(make())
    url = databases.create(empty=True)
    assert migrate(tmp_path, url).returncode == 0
    again = migrate(tmp_path, url)
    assert again.returncode == 2
    assert "already has rows" in again.stderr
