"""Linking from the console: what a moderator reads, and refusals."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.conftest import Chat


async def test_link_code_and_refusals(make_chat: Callable[..., Chat]) -> None:
    member, chat = make_chat(user="ani"), make_chat(user="librarian", moderator=True)
    assert "Hanya moderator" in await member.say("/community link")
    shown = await chat.say("/community show")
    assert "belum tertaut" in shown
    answer = await chat.say("/community link")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", answer)
    assert code is not None and "sekali pakai" in answer
    # The console cannot link with itself.
    assert "dibuat di komunitas ini" in await chat.say(f"/komunitas gabung {code[0]}")
    assert "tidak dikenal" in await chat.say("/community join ABCD-EFGH")
    assert "tidak tertaut" in await chat.say("/community unlink")
    assert "diposting di sini" in await chat.say("/community home")
