"""/quiz start, /quiz schedule and /quiz import handled again after a crash, as the inbox
takes an update up at the next start when the process stopped before the update's answer was
kept: the command runs again and takes effect once — one quiz whose first question is posted
once, one schedule with one planned start, one imported pack — and answers as the first time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.process.app import App
from bot.time.clock import FakeClock
from tests.cogs.quiz.test_quiz import ChoicesFirst, quiz_features
from tests.cogs.quiz.test_quiz_import import PACK as OWN_PACK
from tests.fakes.discord_api import CHANNEL_ID, MANAGE_GUILD, Call, FakeDiscord
from tests.fakes.running import cut_before_its_answer, discord_bot

PACK = "sastra-indonesia"  # a bundled pack


def command(name: str, **values: object) -> list[dict[str, object]]:
    kinds = {str: 3, int: 4}
    options = [{"type": kinds[type(v)], "name": k, "value": v} for k, v in values.items()]
    return [{"type": 1, "name": name, "options": options}]


def says(text: str) -> Callable[[Call], bool]:
    """An answer to the moderator (the first or a follow-up) that says `text`."""
    return lambda c: (
        ("/webhooks/" in c.path or "/interactions/" in c.path) and text in json.dumps(c.body)
    )


def answer_text(call: Call) -> str:
    body = call.body or {}
    return "".join(e.get("description", "") for e in (body.get("data") or body).get("embeds", []))


def in_channel(fake: FakeDiscord) -> list[Call]:
    return [
        c for c in fake.calls if c.method == "POST" and c.path == f"/channels/{CHANNEL_ID}/messages"
    ]


async def delivered(app: App) -> None:
    """Until the outbox holds nothing more and no send-once key is still being sent."""
    for _ in range(300):
        waiting = await count(app, "SELECT count(*) FROM outbox") + await count(
            app, "SELECT count(*) FROM sent_keys WHERE state = 'sending'"
        )
        if not waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the quiz's posts were not delivered")


async def count(app: App, sql: str) -> int:
    return int(await app.services.store.fetchval(sql))


async def test_start_handled_again_finds_its_quiz(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    clock = FakeClock()  # held still: the first question stays open across the restart

    def bot() -> AbstractAsyncContextManager[App]:
        return discord_bot(
            tmp_path, discord_fake, clock=clock, features=quiz_features(rng=ChoicesFirst)
        )

    async with bot() as app:
        started = await discord_fake.slash(
            "quiz", command("start", pack=PACK, questions=3), permissions=MANAGE_GUILD
        )
        await discord_fake.wait_for(says("Kuis sudah dimulai"))
        await delivered(app)
        posted = len(in_channel(discord_fake))
        assert posted >= 1 and await count(app, "SELECT count(*) FROM quizzes") == 1
        await cut_before_its_answer(app, started)

    async with bot() as app:
        await discord_fake.wait_for(says("Kuis sudah dimulai"), count=2)
        assert await count(app, "SELECT count(*) FROM quizzes") == 1
        assert await count(app, "SELECT count(*) FROM quizzes WHERE state = 'running'") == 1
    assert len(in_channel(discord_fake)) == posted  # the question was not asked again


async def test_schedule_handled_again_finds_its_schedule(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    scheduled = "Terjadwal #1"
    async with discord_bot(tmp_path, discord_fake) as app:
        typed = await discord_fake.slash(
            "quiz",
            command("schedule", pack=PACK, when="Jumat jam 19.00"),
            permissions=MANAGE_GUILD,
        )
        [first] = await discord_fake.wait_for(says(scheduled))
        jobs = "SELECT count(*) FROM jobs WHERE key LIKE 'quiz-schedule:%'"
        planned = await count(app, jobs)
        assert planned == 1
        await cut_before_its_answer(app, typed)

    async with discord_bot(tmp_path, discord_fake) as app:
        [_, again] = await discord_fake.wait_for(says(scheduled), count=2)
        assert await count(app, "SELECT count(*) FROM quiz_schedules") == 1
        assert await count(app, jobs) == planned
    assert answer_text(again) == answer_text(first)


async def test_import_handled_again_says_added_once(
    tmp_path: Path, discord_fake: FakeDiscord
) -> None:
    """/quiz import: one pack kept, and the answer again says it was added (not "replaced")."""
    upload = {"pack": ("nusantara.toml", OWN_PACK.encode())}
    async with discord_bot(tmp_path, discord_fake, clock=FakeClock()) as app:
        imported = await discord_fake.slash(
            "quiz", command("import"), permissions=MANAGE_GUILD, files=upload
        )
        first = answer_text(await discord_fake.response_to(imported))
        assert "Ditambahkan **Pengarang Nusantara**" in first
        await cut_before_its_answer(app, imported)

    async with discord_bot(tmp_path, discord_fake, clock=FakeClock()) as app:
        [again] = await discord_fake.wait_for(
            lambda c: c.path.startswith("/webhooks/") and "Pengarang Nusantara" in answer_text(c)
        )
        assert answer_text(again) == first
        assert await count(app, "SELECT count(*) FROM quiz_packs") == 1
