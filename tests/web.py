"""Signing in to the web dashboard in tests: through a link a moderator got with /dashboard in the
console, as a librarian would."""

from __future__ import annotations

import re

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from tests.conftest import Chat

LINK = re.compile(r"http://127\.0\.0\.1:\d+(/login/[A-Za-z0-9_-]+)")


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


def upload(csrf: str, field: str, name: str, content: bytes, **fields: str) -> FormData:
    """A form with a file, as a browser posts it (multipart), with its CSRF token; the action
    is "import" unless `fields` say otherwise."""
    form = FormData()
    for key, value in {"csrf": csrf, "action": "import", **fields}.items():
        form.add_field(key, value)
    form.add_field(field, content, filename=name)
    return form
