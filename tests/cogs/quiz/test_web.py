"""The quiz packs page of the web dashboard: a broken pack's problems listed as /quiz import
reports them, a good one added and previewed, an imported one removed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient

from tests.cogs.quiz.test_quiz_import import BROKEN, PACK
from tests.conftest import WEB, Chat
from tests.web import csrf_of, sign_in, upload

pytestmark = pytest.mark.settings(WEB)


async def test_a_broken_pack_then_a_good_one(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(moderator=True)
    csrf = csrf_of(await sign_in(client, librarian))
    broken = await client.post(
        "/p/quizzes", data=upload(csrf, "pack", "rusak.toml", BROKEN.encode())
    )
    html = await broken.text()
    assert broken.status == 400
    assert "rusak.toml bukan paket kuis yang sah:" in html
    problems = re.findall(r"<li>(Pertanyaan 1, [^<]*)</li>", html)
    assert len(problems) == 2 and any("correct" in p for p in problems)

    good = await client.post(
        "/p/quizzes", data=upload(csrf, "pack", "nusantara.toml", PACK.encode())
    )
    html = await good.text()
    assert good.status == 200
    assert "Ditambahkan" in html and "Pengarang Nusantara" in html
    assert "nusantara — Pengarang Nusantara (2 pertanyaan" in await librarian.say("/quiz packs")

    preview = await (await client.get("/p/quizzes?pack=nusantara")).text()
    assert "Siapa pengarang Ronggeng Dukuh Paruk?" in preview
    assert '<li class="correct">Ahmad Tohari ✓</li>' in preview
    assert "Jawaban diketik: Belitung, Belitong" in preview


async def test_removing_an_imported_pack_and_never_a_bundled_one(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(moderator=True)
    csrf = csrf_of(await sign_in(client, librarian))
    await client.post("/p/quizzes", data=upload(csrf, "pack", "nusantara.toml", PACK.encode()))
    removed = await client.post(
        "/p/quizzes", data={"csrf": csrf, "action": "remove", "pack": "nusantara"}
    )
    assert "Pengarang Nusantara dihapus." in await removed.text()
    assert "nusantara" not in await librarian.say("/quiz packs")
    bundled = await client.post(
        "/p/quizzes", data={"csrf": csrf, "action": "remove", "pack": "sastra-indonesia"}
    )
    assert "paket bawaan: tidak dapat dihapus" in await bundled.text()


async def test_a_pack_larger_than_the_limit_is_refused(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    csrf = csrf_of(await sign_in(client, make_chat(moderator=True)))
    response = await client.post(
        "/p/quizzes", data=upload(csrf, "pack", "besar.toml", b"# " + b"x" * 1_200_000)
    )
    assert response.status == 413


async def test_a_pack_switched_off_here_is_not_played_here(
    client: TestClient, make_chat: Callable[..., Chat]
) -> None:
    librarian = make_chat(moderator=True)
    csrf = csrf_of(await sign_in(client, librarian))
    off = await client.post(
        "/p/quizzes", data={"csrf": csrf, "action": "disable", "pack": "sastra-indonesia"}
    )
    html = await off.text()
    assert "dimatikan di sini" in html
    assert "sastra-indonesia" not in await librarian.say("/quiz packs")
    refused = await librarian.say("/quiz start sastra-indonesia")
    assert "Tidak ada paket kuis “sastra-indonesia”" in refused
    on = await client.post(
        "/p/quizzes", data={"csrf": csrf, "action": "enable", "pack": "sastra-indonesia"}
    )
    assert "menyala lagi" in await on.text()
    assert "sastra-indonesia" in await librarian.say("/quiz packs")
