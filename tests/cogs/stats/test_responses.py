"""Which posts drew responses: votes in a club's vote count for the post and for the club as a
series, each member once (the club's progress shows in its table); a quiz's answers by button
are presses, typed ones replies."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.api.package import FeatureFactory, FeaturePackage
from bot.config import Config, load_config
from tests.cogs.quiz.test_quiz import quiz_features
from tests.conftest import write_config


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    return quiz_features()  # the quiz's test pack, questions in a seeded order


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path, sample=True), env={})


async def test_votes_in_a_club_count_per_post_and_per_series(make_chat) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/club create "Klub Sastra" "Bumi Manusia" besok 3')
    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    await sari.say("/club join Klub Sastra")
    await budi.say("/club join Klub Sastra")
    await sari.say("/club progress 100%")
    await librarian.say("/club vote Cantik Itu Luka | Laut Bercerita")
    await sari.say("/club ballot 2")
    await budi.say("/club ballot 1 #1")
    await budi.say("/club ballot 2 #1")  # a changed vote is one more response, same member

    shown = await librarian.say("/stats 7")

    posts = shown.split("Kiriman yang mendapat tanggapan\n")[1].split("\n\n")[0].splitlines()
    assert posts[1].startswith("Pemungutan suara #1 Klub Sastra")
    assert posts[1].split()[-6:] == ["Sastra", "0", "0", "3", "0", "2"]
    series = shown.split("Tanggapan per seri\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in series] == [
        ["Seri", "Kiriman", "Tanggapan", "Anggota"],
        ["Klub", "Sastra", "1", "3", "2"],
    ]
    clubs = shown.split("Klub baca\n")[1].split("\n\n")[0].splitlines()
    assert clubs[1].split() == ["Klub", "Sastra", "Bumi", "Manusia", "3", "1", "33"]


async def test_answers_in_a_quiz_are_presses_and_replies(make_chat) -> None:
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say("/quiz start uji 1 60")
    for _ in range(200):  # the question is posted by the quiz's own task
        pressed = re.search(r"→ (/answer #\d+ [A-L])", librarian.output.getvalue())
        if pressed:
            break
        await asyncio.sleep(0.01)
    assert pressed, librarian.output.getvalue()
    await make_chat(user="sari").say(pressed[1])  # the button's command
    await make_chat(user="budi").say("/answer A")  # typed in the channel

    shown = await librarian.say("/stats 7")

    posts = shown.split("Kiriman yang mendapat tanggapan\n")[1].split("\n\n")[0].splitlines()
    assert posts[1].startswith("Kuis Uji #1  Kuis Uji")
    assert posts[1].split()[-5:] == ["1", "0", "0", "1", "2"]
    played = shown.split("Keikutsertaan kuis\n")[1].split("\n\n")[0].splitlines()
    assert played[1].split() == ["1", "2", "2"]
