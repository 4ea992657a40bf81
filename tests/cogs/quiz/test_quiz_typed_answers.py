"""Typed answers in a console quiz, as members type them (issue 17 item 4): a dropped last letter
is forgiven, a part of the name is not, in Indonesian and in English. The questions are the
bundled pack's own, asked one at a time."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.api.package import FeatureFactory, FeaturePackage
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from cogs.quiz.commands import Quizzes
from cogs.quiz.packs import Pack, bundled_packs
from tests.cogs.quiz.test_quiz import SEED, run_jobs
from tests.conftest import Chat


def _one_question(key: str, prompt: str) -> Pack:
    pack = next(p for p in bundled_packs() if p.key == "sastra-indonesia")
    asked = tuple(q for q in pack.questions if q.prompt == prompt)
    assert len(asked) == 1, prompt
    return replace(pack, key=key, questions=asked)


SITI = _one_question("siti", "Siapa pengarang novel Siti Nurbaya?")  # choices: Marah Rusli, …
RONGGENG = _one_question("ronggeng", "Siapa pengarang novel Ronggeng Dukuh Paruk?")  # typed


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    def make(services) -> Quizzes:  # noqa: ANN001
        feature = Quizzes(services, random.Random(SEED))
        feature.bundled = {SITI.key: SITI, RONGGENG.key: RONGGENG, **feature.bundled}
        return feature

    return [p.with_factory(make) if p.name == "quiz" else p for p in discover()]


@pytest.mark.parametrize(
    ("locale", "command", "pack", "typed", "part", "right", "tally"),
    [
        ("id", "/jawab", "siti", "marah rusl", "rusli", "Benar: sari", "1 dari 2 jawaban benar."),
        ("id", "/jawab", "ronggeng", "ahmad tohar", "ahmad", "Benar: sari", "1 dari 2 jawaban"),
        ("en", "/answer", "siti", "marah rusl", "rusli", "Right: sari", "1 of 2 answers were"),
        ("en", "/answer", "ronggeng", "ahmad tohar", "ahmad", "Right: sari", "1 of 2 answers"),
    ],
)
async def test_a_dropped_last_letter_is_forgiven_a_part_is_not(
    app: App,
    make_chat: Callable[..., Chat],
    clock: FakeClock,
    locale: str,
    command: str,
    pack: str,
    typed: str,
    part: str,
    right: str,
    tally: str,
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True, locale=locale)
    await librarian.say(f"/settings language {locale}")  # the quiz speaks the community's language
    await librarian.say(f"/quiz start {pack} 1 20")
    sari = make_chat(user="sari", locale=locale)
    budi = make_chat(user="budi", locale=locale)
    await sari.say(f"{command} {typed}")
    await budi.say(f"{command} {part}")
    start = budi.output.tell()
    await run_jobs(app, clock, 20)
    shown = budi.printed_since(start)
    assert f"{right} (+150)\n" in shown  # sari alone: budi's part of the name is wrong
    assert tally in shown
