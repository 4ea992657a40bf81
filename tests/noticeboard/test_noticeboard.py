"""The noticeboard feature (this folder) works with no edit outside its folder: loaded the way
the core loads cogs/, its commands, table, setting, command-line verb and scheduled job all work."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from bot.api.package import FeaturePackage
from bot.process.app import App
from bot.process.cli import main
from bot.process.features import discover, load
from bot.time.clock import FakeClock
from tests.cogs.events.test_events import run_jobs
from tests.conftest import Chat, write_config
from tests.databases import rows


def noticeboard() -> FeaturePackage:
    package = load("tests.noticeboard")
    assert package is not None
    return package


@pytest.fixture
def features() -> list[FeaturePackage]:
    return [*discover(), noticeboard()]


def test_setup_declares_everything_from_the_folder() -> None:
    package = noticeboard()
    assert package.folder == Path(__file__).parent
    assert [m.version for m in package.migrations] == [1]
    assert [s.name for s in package.sections] == ["noticeboard"]
    assert [v.name for v in package.verbs] == ["noticeboard"]
    assert "noticeboard" not in {p.name for p in discover()}  # nothing in cogs/ knows it


async def test_members_pin_and_read_notices(chat: Chat) -> None:
    assert "Pinned." in await chat.say("/notice pin Rapat klub Sabtu pukul 10")
    assert "sari: Rapat klub Sabtu pukul 10" in await chat.say("/notice board")
    assert "/notice pin" in await chat.say("/help")  # listed beside the bundled features


async def test_the_setting_limits_the_board(tmp_path: Path, clock: FakeClock) -> None:
    from bot.config import load_config

    config = load_config(write_config(tmp_path, "[noticeboard]\nmax_notices = 1\n"), env={})
    app = await App.open(config, clock=clock, features=[noticeboard()])
    try:
        chat = Chat(app)
        await chat.say("/notice pin Pertama")
        assert "The board is full (1 notices)." in await chat.say("/notice pin Kedua")
    finally:
        await app.close()


async def test_a_moderators_notice_is_posted_later_once(app: App, clock: FakeClock) -> None:
    """The job kind declared with @job runs through the core's scheduler and posts in the room."""
    moderator = Chat(app, user="rina", moderator=True)
    assert "in 30 minutes" in await moderator.say("/notice later 30 Perpustakaan tutup pukul 15")
    start = moderator.output.tell()
    await run_jobs(app, clock, 29 * 60)
    assert "Perpustakaan tutup" not in moderator.printed_since(start)
    await run_jobs(app, clock, 2 * 60)
    await run_jobs(app, clock, 60 * 60)
    assert moderator.printed_since(start).count("Perpustakaan tutup pukul 15") == 1
    member = Chat(app, user="budi")
    assert "Hanya moderator" in await member.say("/notice later 5 Tidak boleh")


def test_the_command_line_verb_and_the_setting_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pustaka chat` serves it, `pustaka noticeboard` reads its table, and a bad value in its
    configuration section is refused naming the key, like the core's own sections."""
    packages = [*discover(), noticeboard()]
    config = str(write_config(tmp_path))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"/notice pin Buku baru!\n")))
    assert main(["--config", config, "chat", "--user", "sari"], packages) == 0
    assert "Pinned." in capsys.readouterr().out

    assert main(["--config", config, "noticeboard", "--author", "sari"], packages) == 0
    assert capsys.readouterr().out.splitlines() == ["sari: Buku baru!", "1 notices."]
    versions = dict(rows(tmp_path / "pustaka.db", "SELECT package, version FROM schema_versions"))
    assert versions["noticeboard"] == 1

    bad = str(write_config(tmp_path, "[noticeboard]\nmax_notices = 0\n"))
    assert main(["--config", bad, "noticeboard"], packages) == 2
    assert "noticeboard.max_notices" in capsys.readouterr().err
