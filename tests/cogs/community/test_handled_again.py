"""/community link and /community join handled again after a crash (the inbox takes an update
up at the next start when the process stopped before its answer was kept): the same code comes
back, and a join that was made answers as the first time, not "that code is not known"."""

from __future__ import annotations

import re
from pathlib import Path

from bot.process.app import App
from tests.conftest import Chat
from tests.fakes.discord_api import MANAGE_GUILD, Call, FakeDiscord
from tests.fakes.running import cut_before_its_answer, discord_bot

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")


def answer_text(call: Call) -> str:
    body = call.body or {}
    return "".join(e.get("description", "") for e in (body.get("data") or body).get("embeds", []))


async def counts(app: App) -> tuple[int, int]:
    store = app.services.store
    return (
        await store.fetchval("SELECT count(*) FROM community_link_codes"),
        await store.fetchval("SELECT count(*) FROM community_links"),
    )


async def test_link_handled_again_gives_the_same_code(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    link = [{"type": 1, "name": "link", "options": []}]
    async with discord_bot(tmp_path, discord_fake) as app:
        asked = await discord_fake.slash("community", link, permissions=MANAGE_GUILD)
        [code] = set(CODE.findall(answer_text(await discord_fake.response_to(asked))))
        await cut_before_its_answer(app, asked)

    async with discord_bot(tmp_path, discord_fake) as app:
        [again] = await discord_fake.wait_for(
            lambda c: c.path.startswith("/webhooks/") and bool(CODE.search(answer_text(c)))
        )
        assert set(CODE.findall(answer_text(again))) == {code}
        assert await counts(app) == (1, 0)


async def test_join_handled_again_answers_as_the_first_time(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    join = [{"type": 1, "name": "join", "options": []}]
    async with discord_bot(tmp_path, discord_fake) as app:
        librarian = Chat(app, user="pustakawan", moderator=True)
        [code] = set(CODE.findall(await librarian.say("/community link")))
        join[0]["options"] = [
            {"type": 3, "name": "code", "value": code},
            {"type": 3, "name": "answer", "value": "confirm"},
        ]
        joined = await discord_fake.slash("community", join, permissions=MANAGE_GUILD)
        first = answer_text(await discord_fake.response_to(joined))
        assert "Discord" in first and "konsol" in first, first
        assert await counts(app) == (0, 2)
        await cut_before_its_answer(app, joined)

    async with discord_bot(tmp_path, discord_fake) as app:
        [again] = await discord_fake.wait_for(
            lambda c: c.path.startswith("/webhooks/") and "konsol" in answer_text(c)
        )
        assert answer_text(again) == first
        assert await counts(app) == (0, 2)
