"""The catalog page of the web dashboard: a SLiMS export uploaded and imported as `pustaka
catalog import` does, its progress then its summary; a file that is no catalog refused with
its reason; the sources listed."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import WEB, Chat
from tests.web import csrf_of, sign_in, upload

EXPORT = Path(__file__).parents[2] / "fixtures" / "catalog" / "slims_export.csv"


pytestmark = pytest.mark.settings(WEB)


async def finished(client: TestClient, location: str) -> str:
    """The import's page once it no longer refreshes itself (the import has ended)."""
    for _ in range(200):
        html = await (await client.get(location)).text()
        if 'http-equiv="refresh"' not in html:
            return html
        await asyncio.sleep(0.05)
    raise AssertionError("the import never finished")


async def test_a_slims_export_is_imported_with_its_summary(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(moderator=True)
    csrf = csrf_of(await sign_in(client, librarian))
    sent = await client.post(
        "/p/catalog",
        data=upload(csrf, "catalog", "ekspor slims.csv", EXPORT.read_bytes()),
        allow_redirects=False,
    )
    assert sent.status == 303
    location = sent.headers["Location"]
    assert re.fullmatch(r"/p/catalog\?upload=[\w-]+", location)
    html = await finished(client, location)
    assert "ekspor slims.csv sudah diimpor (SLiMS CSV)." in html
    counts = dict(re.findall(r"<th>([^<]+)</th><td>(\d+)</td>", html))
    # as `pustaka catalog import` reports the same file
    assert (counts["ditambahkan"], counts["dilewati"]) == ("4", "2")
    assert "<li>row 7: no title</li>" in html
    assert re.search(r"<td>slims[^<]*</td><td>\d+</td>", html)
    assert "Bumi manusia" in await librarian.say("/book bumi manusia")


async def test_a_file_that_is_no_catalog_is_refused_with_its_reason(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    csrf = csrf_of(await sign_in(client, make_chat(moderator=True)))
    sent = await client.post(
        "/p/catalog", data=upload(csrf, "catalog", "foto.jpg", b"\xff\xd8\xff\xe0 JFIF")
    )
    html = await finished(client, str(sent.url.relative()))
    assert "Berkas tidak dapat diimpor:" in html
    assert "ditambahkan" not in html


async def test_members_never_reach_the_upload(client: TestClient) -> None:
    sent = await client.post(
        "/p/catalog", data=upload("x", "catalog", "a.csv", EXPORT.read_bytes())
    )
    assert sent.status == 401
