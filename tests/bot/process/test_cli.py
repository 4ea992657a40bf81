from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.adapters.test_console import pustaka
from tests.conftest import write_config
from tests.databases import on_postgres

SQLITE_FILE_ONLY = pytest.mark.skipif(
    on_postgres(), reason="reads the SQLite file; PostgreSQL has its own tools"
)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("[bot]\ncolour = 'blue'\n", "bot.colour"),
        ("[bot]\nname = 42\n", "bot.name"),
        ("[bot]\ntimezone = 'Asia/Atlantis'\n", "bot.timezone"),
    ],
)
def test_configuration_errors_exit_2_naming_the_key(tmp_path: Path, extra: str, key: str) -> None:
    """Unknown key, wrong type and unknown timezone: one line naming the key, exit 2."""
    write_config(tmp_path, extra)
    done = pustaka("chat", cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err.startswith(f"pustaka: configuration error: {key}")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_config_file_named(tmp_path: Path) -> None:
    """--config pointing nowhere is a configuration error, exit 2."""
    done = pustaka("--config", str(tmp_path / "nope.toml"), "chat", cwd=tmp_path)
    assert done.returncode == 2
    assert "nope.toml" in done.stderr.decode()


@SQLITE_FILE_ONLY
def test_backup_command_writes_a_usable_copy(tmp_path: Path) -> None:
    """`pustaka backup PATH` copies the database; the copy opens with the same data."""
    write_config(tmp_path)
    assert pustaka("chat", cwd=tmp_path, stdin=b"/lang en\n").returncode == 0
    done = pustaka("backup", str(tmp_path / "copy.db"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    import sqlite3

    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT locale FROM members").fetchall() == [("en",)]


def test_backup_without_database_is_a_clear_error(tmp_path: Path) -> None:
    """Backing up before the bot ever ran says there is no database."""
    write_config(tmp_path)
    done = pustaka("backup", str(tmp_path / "copy.db"), cwd=tmp_path)
    assert done.returncode == 2
    assert "no database" in done.stderr.decode()


def test_config_is_accepted_after_the_command_too(tmp_path: Path) -> None:
    """`pustaka run --config x.toml` as users type it: the configuration named after the
    command is the one used (its bad key is reported), and one named before stays in force."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[bot]\ncolour = 'blue'\n", encoding="utf-8")
    for args in (["run", "--config", str(bad)], ["--config", str(bad), "status"]):
        done = pustaka(*args, cwd=tmp_path)
        assert done.returncode == 2, args
        assert done.stderr.decode().startswith("pustaka: configuration error: bot.colour")
    write_config(tmp_path)
    done = pustaka("chat", "--config", str(tmp_path / "config.toml"), cwd=tmp_path, stdin=b"")
    assert done.returncode == 0, done.stderr
    config = str(tmp_path / "config.toml")
    later = pustaka("--config", str(bad), "status", "--config", config, cwd=tmp_path)
    assert later.returncode == 0, later.stderr
