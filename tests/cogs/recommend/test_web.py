"""The wanted page of the web dashboard: what members asked for and the library lacks, and the
whole list as CSV."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import WEB, Chat
from tests.web import sign_in

pytestmark = pytest.mark.settings(WEB, sample=True)


async def test_the_wanted_list_and_its_csv(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    for name in ("ani", "budi"):
        await make_chat(user=name).say("/book Laut Bercerita Jilid Dua")
    await sign_in(client, make_chat(user="pustakawan", moderator=True))
    html = await (await client.get("/p/wanted")).text()
    assert "Paling dicari" in html
    row = "<tr><td>Laut Bercerita Jilid Dua</td><td>tidak ada di perpustakaan</td><td>2</td>"
    assert row in html
    download = await client.get("/p/wanted?format=csv")
    text = await download.text()
    assert text.splitlines()[0] == "kind,wanted,book_id,members,asks,first_asked,last_asked"
    assert any(
        line.startswith("missing,Laut Bercerita Jilid Dua,,2,2,") for line in text.splitlines()
    )
