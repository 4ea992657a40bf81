"""The web dashboard served by aiohttp's test server on the bot's own loop, signed in through a
link a moderator got with /dashboard in the console, as a librarian would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Config, load_config
from bot.process.app import App
from bot.web.server import WebServer
from tests.conftest import Chat, write_config

LINK = re.compile(r"http://127\.0\.0\.1:\d+(/login/[A-Za-z0-9_-]+)")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, "[web]\nenabled = true\nport = 18080\n"), env={})


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient]:
    server = TestServer(WebServer(app.dispatcher).application())
    async with TestClient(server) as client:
        yield client


async def link_of(chat: Chat) -> str:
    """The path of the one-time link /dashboard gives in the console."""
    answer = await chat.say("/dashboard")
    found = LINK.search(answer)
    assert found, answer
    return found.group(1)


async def sign_in(client: TestClient, chat: Chat) -> str:
    """Open a fresh link; the home page's HTML."""
    response = await client.get(await link_of(chat))
    assert response.status == 200, await response.text()
    return await response.text()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)
