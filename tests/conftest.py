from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.console import ConsoleAdapter
from bot.api.package import FeatureFactory, FeaturePackage
from bot.config import Config, load_config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from tests import databases
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram


class Chat:
    """A console conversation in memory: say a line, read what a person would see."""

    def __init__(
        self,
        app: App,
        *,
        user: str = "sari",
        moderator: bool = False,
        locale: str | None = None,
        files: Path | None = None,
    ) -> None:
        self.app = app
        self.output = io.StringIO()
        self.adapter = ConsoleAdapter(
            app.dispatcher,
            user=user,
            moderator=moderator,
            locale=locale,
            input=io.BytesIO(),
            output=self.output,
            files=files,
        )
        app.services.messenger.register("console", self.adapter)

    async def say(self, line: str) -> str:
        """Send one line and return the text printed in answer."""
        start = self.output.tell()
        await self.adapter.say(line)
        return self.output.getvalue()[start:]

    def printed_since(self, start: int) -> str:
        return self.output.getvalue()[start:]


def write_config(directory: Path, extra: str = "", *, sample: bool = False) -> Path:
    """A config in `directory`; the bundled sample catalog stays out unless asked for."""
    path = directory / "config.toml"
    settings = f'[database]\npath = "{directory / "pustaka.db"}"\n'
    if url := databases.target(directory / "pustaka.db"):
        settings += f'url = "{url}"\n' if isinstance(url, str) else ""
    if not sample:
        settings += "[catalog]\nsample = false\n"
    if "[openlibrary]" not in extra:
        settings += "[openlibrary]\nenabled = false\n"
    path.write_text(settings + extra, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def database_engine() -> Iterator[None]:
    """Under `make test-postgres`, a fresh PostgreSQL database for each test."""
    if not databases.on_postgres():
        yield
        return
    databases.reset_targets()
    databases.begin_test()
    try:
        yield
    finally:
        databases.reset_targets()
        databases.end_test()


WEB = "[web]\nenabled = true\n"
"""The settings of a test of the web dashboard: ``pytestmark = pytest.mark.settings(WEB)``."""


def configured(tmp_path: Path, request: pytest.FixtureRequest, *, sample: bool = False) -> Config:
    """The test's configuration, with what ``@pytest.mark.settings(lines, sample=…)`` adds."""
    marker = request.node.get_closest_marker("settings")
    extra = marker.args[0] if marker else ""
    sample = marker.kwargs.get("sample", sample) if marker else sample
    return load_config(write_config(tmp_path, extra, sample=sample), env={})


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    return configured(tmp_path, request)


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient]:
    """A browser of the web dashboard (aiohttp's test client on the bot's own loop)."""
    from bot.web.server import WebServer

    async with TestClient(TestServer(WebServer(app.dispatcher).application())) as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    """The features under test; a test module may override this fixture."""
    return discover()


@pytest.fixture
async def app(
    config: Config, clock: FakeClock, features: list[FeaturePackage | FeatureFactory]
) -> AsyncIterator[App]:
    app = await App.open(config, clock=clock, features=features)
    yield app
    await app.close()


@pytest.fixture
def make_chat(app: App, tmp_path: Path) -> Callable[..., Chat]:
    """A console member; files the bot sends are written to tmp_path/files."""
    return lambda **kwargs: Chat(app, **{"files": tmp_path / "files", **kwargs})


@pytest.fixture
def chat(make_chat: Callable[..., Chat]) -> Chat:
    return make_chat()


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegram]:
    """A loopback Telegram Bot API (see tests/fakes/running.py to serve a bot against it)."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def discord_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A loopback Discord REST API and gateway; discord.py is pointed at it."""
    server = FakeDiscord()
    await server.start()
    server.patch(monkeypatch)
    yield server
    await server.stop()
