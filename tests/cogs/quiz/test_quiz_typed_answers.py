"""Typed answers in a console quiz, as members type them (issue 17 item 4): a dropped last letter
is forgiven, a surname alone is not, in Indonesian and in English."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from bot.api.package import FeatureFactory, FeaturePackage
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from cogs.quiz.commands import Quizzes
from cogs.quiz.packs import Pack
from tests.cogs.quiz.test_quiz import SEED, question, run_jobs
from tests.conftest import Chat

SITI_NURBAYA = Pack(
    key="siti",
    title="Siti Nurbaya",
    language="id",
    author="Pustaka",
    description="Satu pertanyaan untuk pengujian.",
    questions=(question(1, "Siapa pengarang Siti Nurbaya?", (), answers=("Marah Rusli",)),),
)


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    def make(services) -> Quizzes:  # noqa: ANN001
        feature = Quizzes(services, random.Random(SEED))
        feature.bundled = {SITI_NURBAYA.key: SITI_NURBAYA, **feature.bundled}
        return feature

    return [p.with_factory(make) if p.name == "quiz" else p for p in discover()]


@pytest.mark.parametrize(
    ("locale", "command", "right", "tally"),
    [
        ("id", "/jawab", "Benar: sari", "1 dari 2 jawaban benar."),
        ("en", "/answer", "Right: sari", "1 of 2 answers were right."),
    ],
)
async def test_a_dropped_last_letter_is_forgiven_a_surname_alone_is_not(
    app: App,
    make_chat: Callable[..., Chat],
    clock: FakeClock,
    locale: str,
    command: str,
    right: str,
    tally: str,
) -> None:
    librarian = make_chat(user="pustakawan", moderator=True, locale=locale)
    await librarian.say(f"/settings language {locale}")  # the quiz speaks the community's language
    await librarian.say("/quiz start siti 1 20")
    sari = make_chat(user="sari", locale=locale)
    budi = make_chat(user="budi", locale=locale)
    await sari.say(f"{command} marah rusl")
    await budi.say(f"{command} rusli")
    start = budi.output.tell()
    await run_jobs(app, clock, 20)
    shown = budi.printed_since(start)
    assert right in shown
    assert "budi" not in shown.split(right)[1].split("\n")[0]
    assert tally in shown
