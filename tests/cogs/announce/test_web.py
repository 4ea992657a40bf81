"""The announcements page of the web dashboard: written once, previewed as members will see it,
posted now or scheduled through the /announce commands, with their refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient

from tests.conftest import WEB, Chat
from tests.web import csrf_of, sign_in, upload

# The fake clock starts on Monday 5 January 2026, 10:00 WIB.


pytestmark = pytest.mark.settings(WEB)


@pytest.fixture
async def signed(client: TestClient, make_chat: Callable[..., Chat]) -> tuple[Chat, str]:
    librarian = make_chat(user="pustakawan", moderator=True)
    return librarian, csrf_of(await sign_in(client, librarian))


async def test_the_preview_shows_the_formatting_and_escapes_everything_else(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    _, csrf = signed
    response = await client.post(
        "/p/announcements",
        data={
            "csrf": csrf,
            "action": "preview",
            "text": "**Bedah buku** Sabtu <script>alert(1)</script> [daftar](https://example.org)",
        },
    )
    html = await response.text()
    assert response.status == 200
    assert "<strong>Bedah buku</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        '<a href="https://example.org" rel="noopener noreferrer" target="_blank">daftar</a>' in html
    )
    assert "Belum ada pengumuman." in html  # a preview posts nothing


async def test_scheduling_from_the_page_puts_it_in_the_calendar(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    librarian, csrf = signed
    response = await client.post(
        "/p/announcements",
        data={
            "csrf": csrf,
            "action": "schedule",
            "text": "Pameran buku langka dibuka Sabtu.",
            "date": "2026-01-10",
            "time": "08:00",
            "link_url": "https://perpustakaan.example/pameran",
            "link_label": "Info",
        },
    )
    html = await response.text()
    assert "Pengumuman #1 akan dikirim pada Sabtu, 10 Januari 2026, 08.00 WIB." in html
    assert "Pameran buku langka" in await librarian.say("/calendar")
    month = await (await client.get("/p/calendar")).text()
    assert "Pameran buku langka" in month


async def test_posting_now_reaches_the_community(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    librarian, csrf = signed
    start = librarian.output.tell()
    response = await client.post(
        "/p/announcements",
        data={"csrf": csrf, "action": "post", "text": "Perpustakaan tutup hari Senin."},
    )
    assert "Pengumuman #1 sudah dikirim ke 1 tempat." in await response.text()
    assert "Perpustakaan tutup hari Senin." in librarian.printed_since(start)
    assert "terkirim" in await librarian.say("/announce list")


async def test_a_refused_announcement_keeps_what_was_typed(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    _, csrf = signed
    picture = b"not a picture at all"
    form = upload(
        csrf, "image", "../../etc/passwd", picture, action="post", text="Lomba resensi buku!"
    )
    response = await client.post("/p/announcements", data=form)
    html = await response.text()
    assert response.status == 400
    assert "PNG, JPEG" in html  # the command's own reason
    assert "Lomba resensi buku!" in html  # the form as typed


async def test_an_oversized_upload_is_refused_before_it_is_read(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    _, csrf = signed
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 6_000_000
    form = upload(csrf, "image", "besar.png", picture, action="post", text="Gambar besar")
    response = await client.post("/p/announcements", data=form)
    assert response.status == 413
    assert "terlalu besar" in await response.text()


async def test_a_post_without_the_csrf_token_posts_nothing(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    librarian, _ = signed
    response = await client.post("/p/announcements", data={"action": "post", "text": "Tanpa token"})
    assert response.status == 403
    assert "Tanpa token" not in await librarian.say("/announce list")


async def test_a_posted_announcement_is_changed_everywhere_from_the_page(
    client: TestClient, signed: tuple[Chat, str]
) -> None:
    librarian, csrf = signed
    await client.post(
        "/p/announcements",
        data={"csrf": csrf, "action": "post", "text": "Perpustakaan tutup hari Senin."},
    )
    page = await (await client.get("/p/announcements")).text()
    assert '<option value="1">#1 — Perpustakaan tutup hari Senin.</option>' in page
    start = librarian.output.tell()
    changed = await client.post(
        "/p/announcements",
        data={"csrf": csrf, "action": "edit", "id": "1", "text": "Perpustakaan tutup Selasa."},
    )
    assert "Pengumuman #1 sudah diubah di 1 tempat." in await changed.text()
    assert "✎ console-1\nPerpustakaan tutup Selasa." in librarian.printed_since(start)
