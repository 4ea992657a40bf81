"""A quiz in the console: start, answers by button and by typing, results, standings, seasons,
leaderboards, restarts and a crowd answering at once."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator, Callable

import pytest

from bot.api.context import Incoming
from bot.api.package import FeatureFactory, FeaturePackage
from bot.config import Config
from bot.process.app import App
from bot.process.features import discover
from bot.time.clock import FakeClock
from cogs.quiz.commands import Quizzes
from cogs.quiz.packs import Pack, Question
from tests.conftest import Chat
from tests.fakes.running import run_due as run_jobs

SEED = 7


def question(
    number: int,
    prompt: str,
    choices: tuple[str, ...],
    answers: tuple[str, ...] = (),
    explanation: str = "",
) -> Question:
    correct = 0 if choices else None
    return Question(
        number=number,
        prompt=prompt,
        choices=choices,
        correct=correct,
        answers=answers + ((choices[0],) if choices else ()),
        explanation=explanation,
        image="",
        difficulty="easy",
    )


# A tiny pack of real facts; the first choice is the right one before shuffling.
TEST_PACK = Pack(
    key="uji",
    title="Kuis Uji",
    language="id",
    author="Pustaka",
    description="Tiga pertanyaan untuk pengujian.",
    questions=(
        question(
            1,
            "Siapa pengarang Bumi Manusia?",
            ("Pramoedya Ananta Toer", "Chairil Anwar", "Andrea Hirata", "Ayu Utami"),
            explanation="Bumi Manusia (1980) membuka Tetralogi Buru.",
        ),
        question(
            2,
            "Siapa pengarang Laskar Pelangi?",
            ("Andrea Hirata", "Dee Lestari", "Eka Kurniawan", "Leila S. Chudori"),
        ),
        question(
            3, "Di pulau mana Pramoedya menjalani pembuangan?", (), answers=("Buru", "Pulau Buru")
        ),
    ),
)


class ChoicesFirst(random.Random):
    """A seeded random source that draws a pack's multiple-choice questions first (in the
    pack's order), so a test with buttons or polls gets questions with choices whatever a
    bundled pack holds; choices are still shuffled."""

    def sample(self, population, k, *, counts=None):  # noqa: ANN001, ANN201
        return sorted(population, key=lambda question: not question.choices)[:k]


def quiz_features(
    *extra: FeatureFactory, rng: type[random.Random] = random.Random
) -> list[FeaturePackage | FeatureFactory]:
    """Every feature, the quiz with a seeded random source and the test pack among its packs."""

    def make(services) -> Quizzes:  # noqa: ANN001
        feature = Quizzes(services, rng(SEED))
        feature.bundled = {TEST_PACK.key: TEST_PACK, **feature.bundled}
        return feature

    packages = [p.with_factory(make) if p.name == "quiz" else p for p in discover()]
    return [*packages, *extra]


@pytest.fixture
def features() -> list[FeaturePackage | FeatureFactory]:
    return quiz_features()


def button(shown: str, choice: str) -> str:
    """The typed command of the button whose label starts with the choice's text."""
    match = re.search(r"\[\d+\] [A-L]\. " + re.escape(choice) + r"  → (/answer #\d+ [A-L])", shown)
    assert match, shown
    return match[1]


def letter(shown: str, choice: str) -> str:
    return button(shown, choice)[-1]


async def test_a_whole_quiz_in_the_console(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """Start, answer by button, by letter and by typing; results after each question; standings."""
    librarian = make_chat(user="pustakawan", moderator=True)
    started = await librarian.say("/quiz start uji 3 20")
    assert "Waktunya kuis!" in started
    assert "Kuis Uji: 3 pertanyaan, masing-masing 20 detik" in started
    assert "Pertanyaan 1 dari 3" in started
    assert "⏱ Jawaban ditutup dalam 20 detik." in started
    first = started.split("Pertanyaan 1 dari 3")[1]
    first_prompt = re.search(r"Siapa pengarang (Bumi Manusia|Laskar Pelangi)\?", first)
    assert first_prompt
    right = "Pramoedya Ananta Toer" if first_prompt[1] == "Bumi Manusia" else "Andrea Hirata"
    wrong = "Chairil Anwar" if right.startswith("Pramoedya") else "Dee Lestari"

    sari, budi = make_chat(user="sari"), make_chat(user="budi")
    ack = await sari.say(button(first, right))
    assert "🔒 Jawaban Anda untuk pertanyaan 1 sudah masuk" in ack
    assert "20 detik lagi" in ack
    await clock.advance(10)
    assert "sudah masuk" in await budi.say("/answer " + letter(first, wrong))
    twice = await budi.say("/answer " + letter(first, right))
    assert "🔒 Anda sudah menjawab pertanyaan 1; jawaban pertama Anda yang dihitung." in twice

    start = budi.output.tell()
    await run_jobs(app, clock, 10)
    shown = budi.printed_since(start)
    assert f"Jawabannya: {letter(first, right)}. {right}" in shown
    assert "Benar: sari (+150)" in shown
    assert "1 dari 2 jawaban benar." in shown
    assert "Pertanyaan 2 dari 3" in shown

    late = await budi.say(button(first, right))
    assert "pertanyaan 1 sudah ditutup" in late

    second = shown.split("Pertanyaan 2 dari 3")[-1]
    if "Pramoedya Ananta Toer" in second:
        await budi.say("/jawab pramoedya ananta toer")
    else:
        await budi.say("/jawab andrea hirata")
    start = budi.output.tell()
    await run_jobs(app, clock, 20)
    shown = budi.printed_since(start)
    assert "Benar: budi (+150)" in shown
    assert "Di pulau mana Pramoedya menjalani pembuangan?" in shown
    assert "Ketik /answer dan jawaban Anda." in shown

    await clock.advance(15)
    assert "5 detik lagi" in await sari.say("/answer pulau buru")
    start = budi.output.tell()  # the console prints every follow-up in the newest chat
    await run_jobs(app, clock, 5)
    shown = budi.printed_since(start)
    assert "Jawabannya: Buru" in shown
    assert "Klasemen akhir: Kuis Uji" in shown
    assert "1. sari — 263 poin" in shown  # 150 + 113 (answered with 5 of 20 seconds left)
    assert "2. budi — 150 poin" in shown

    board = await budi.say("/quiz leaderboard")
    assert "Papan peringkat kuis: sepanjang masa" in board
    assert "1. sari — 263 poin" in board
    assert "🔒 Anda nomor 2 dari 2, dengan 150 poin." in board
    assert "Tidak ada kuis yang sedang berjalan di sini." in await sari.say("/answer A")


async def test_members_cannot_start_and_one_quiz_per_channel(
    make_chat: Callable[..., Chat],
) -> None:
    """A member is refused /quiz start; a second quiz in the same channel is refused."""
    member = make_chat(user="sari")
    assert "Hanya moderator yang dapat memakai /quiz start." in await member.say("/quiz start uji")
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "Tidak ada paket kuis “entah”" in await librarian.say("/quiz start entah")
    assert "Pertanyaan 1 dari 3" in await librarian.say("/quiz start uji")
    again = await librarian.say("/quiz start uji")
    assert "Sudah ada kuis yang berjalan di sini. /quiz stop mengakhirinya." in again
    stopped = await librarian.say("/quiz stop")
    assert "Klasemen saat kuis dihentikan: Kuis Uji" in stopped
    assert "Tidak ada yang menjawab kali ini." in stopped
    assert "Tidak ada kuis yang sedang berjalan di sini." in await librarian.say("/quiz stop")


async def test_choice_out_of_range_is_not_an_answer(make_chat: Callable[..., Chat]) -> None:
    """A letter that names no choice gets a hint and does not use up the member's answer."""
    librarian = make_chat(user="pustakawan", moderator=True)
    started = await librarian.say("/quiz start uji 1")
    sari = make_chat(user="sari")
    hint = await sari.say("/answer E")
    assert "pilihan A–D" in hint
    ack = await sari.say(
        "/answer " + letter(started, "Chairil Anwar" if "Chairil" in started else "Dee Lestari")
    )
    assert "sudah masuk" in ack


async def test_a_letter_that_cannot_be_judged_gets_a_hint(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """A button's label typed ("B. Andrea Hirata") is that choice; a letter with another
    choice's words, or a lone letter for a question without choices, gets a hint and does not
    use up the member's answer."""
    started = await make_chat(user="pustakawan", moderator=True).say("/quiz start uji 3 20")
    right = _right(started)
    sari = make_chat(user="sari")
    other = "B" if letter(started, right) == "A" else "A"
    hint = await sari.say(f"/answer {other}. {right}")
    assert "Pertanyaan 1 punya pilihan A–D" in hint
    ack = await sari.say(f"/answer {letter(started, right)}. {right.upper()}")
    assert f"sudah masuk: {letter(started, right)}." in ack
    await run_jobs(app, clock, 20)
    await run_jobs(app, clock, 20)
    assert "Di pulau mana" in sari.output.getvalue().split("Pertanyaan 3 dari 3")[-1]
    hint = await sari.say("/answer B")
    assert "🔒 Pertanyaan 3 tidak punya pilihan: ketik jawabannya sendiri setelah /answer." in hint
    assert "sudah masuk" in await sari.say("/answer Pulau Buru")
    start = sari.output.tell()
    await run_jobs(app, clock, 20)
    shown = sari.printed_since(start)
    assert "Jawabannya: Buru" in shown and "Benar: sari" in shown


async def test_packs_listed(make_chat: Callable[..., Chat]) -> None:
    """/quiz packs lists the packs; a moderator gets a button to start each."""
    shown = await make_chat(user="pustakawan", moderator=True).say("/quiz packs")
    assert "uji — Kuis Uji (3 pertanyaan, Bahasa Indonesia)" in shown
    assert "→ /quiz start uji" in shown
    assert "/quiz start uji" not in await make_chat(user="sari").say("/quiz packs")


async def test_seasons_and_fair_ranks(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """A season has its own board; equal points share a rank (1, 2, 2, 4); all time keeps all."""
    librarian = make_chat(user="pustakawan", moderator=True)
    started = await librarian.say("/quiz start uji 1 20")
    await make_chat(user="lama").say(button(started, _right(started)))
    await run_jobs(app, clock, 20)

    begun = await librarian.say('/quiz season start "Musim Hujan" "2026-03-31 23:59"')
    assert "Musim Hujan dimulai; berakhir pada Selasa, 31 Maret 2026, 23.59 WIB." in begun
    again = await librarian.say('/quiz season start "Musim Kemarau"')
    assert "Musim Musim Hujan masih berjalan" in again

    started = await make_chat(user="pustakawan", moderator=True).say("/quiz start uji 1 20")
    right = button(started, _right(started))
    await make_chat(user="ani").say(right)
    await make_chat(user="budi").say(right)
    await make_chat(user="citra").say(right)
    await clock.advance(10)
    await make_chat(user="dedi").say(right)
    await make_chat(user="eko").say(
        "/answer " + ("Chairil Anwar" if "Chairil" in started else "Dee Lestari")
    )
    await run_jobs(app, clock, 10)

    board = await make_chat(user="dedi").say("/quiz leaderboard")
    assert "Papan peringkat kuis: Musim Hujan" in board
    assert "1. ani — 150 poin\n1. budi — 150 poin\n1. citra — 150 poin\n4. dedi — 125 poin" in board
    assert "5. eko — 0 poin" in board
    assert "lama" not in board
    assert "🔒 Anda nomor 4 dari 5, dengan 125 poin." in board

    all_time = await make_chat(user="lama").say("/quiz leaderboard semua")
    assert "1. ani — 150 poin" in all_time and "1. lama — 150 poin" in all_time
    assert "🔒 Anda nomor 1 dari 6" in all_time

    ended = await librarian.say("/quiz season end")
    assert "Musim kuis Musim Hujan telah berakhir: klasemen akhir" in ended
    assert "Papan peringkat kuis: sepanjang masa" in await librarian.say("/quiz leaderboard")
    named = await librarian.say('/quiz leaderboard "musim hujan"')
    assert "4. dedi — 125 poin" in named
    assert "Tidak ada musim bernama “x”. Musim: Musim Hujan." in await librarian.say(
        "/quiz leaderboard x"
    )


async def test_season_ends_by_itself(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """A season with an end date closes then and posts its final board."""
    librarian = make_chat(user="pustakawan", moderator=True)
    await librarian.say('/quiz season start Januari "2026-01-06 10:00"')
    start = librarian.output.tell()
    await run_jobs(app, clock, 86400)
    assert "Musim kuis Januari telah berakhir" in librarian.printed_since(start)
    assert "Musim kuis Februari dimulai." in await librarian.say("/quiz season start Februari")


def _right(shown: str) -> str:
    return "Pramoedya Ananta Toer" if "Bumi Manusia?" in shown else "Andrea Hirata"


def _incoming(member: str, text: str) -> Incoming:
    return Incoming(
        platform="console",
        member_id=member,
        display_name=member,
        channel_id="console",
        text=text,
        community_id="console",
        community_name="Perpustakaan",
        direct=True,
    )


async def test_two_hundred_members_answer_at_once(app: App, make_chat: Callable[..., Chat]) -> None:
    """200 members answer the same question concurrently, each twice: one answer each is kept,
    every second answer is told it was already answered."""
    started = await make_chat(user="pustakawan", moderator=True).say("/quiz start uji 1 20")
    command = button(started, _right(started))
    dispatcher = app.dispatcher
    members = [f"anggota{i:03d}" for i in range(200)]
    first = await asyncio.gather(*(dispatcher.handle_text(_incoming(m, command)) for m in members))
    second = await asyncio.gather(
        *(dispatcher.handle_text(_incoming(m, "/answer B")) for m in members)
    )
    assert all("sudah masuk" in str(replies[0].text) for replies in first)
    assert all("sudah menjawab" in str(replies[0].text) for replies in second)
    rows = await app.services.store.fetchall(
        "SELECT m.platform_id, count(*) FROM quiz_answers a JOIN members m ON m.id = a.member_id"
        " GROUP BY m.id"
    )
    assert sorted(row[0] for row in rows) == members
    assert {row[1] for row in rows} == {1}


async def open_app(config: Config, clock: FakeClock) -> App:
    return await App.open(config, clock=clock, features=quiz_features())


@pytest.fixture
async def restartable(config: Config, clock: FakeClock) -> AsyncIterator[list[App]]:
    apps: list[App] = []
    yield apps
    for app in apps:
        await app.close()


async def test_restart_in_the_middle_of_a_question(
    config: Config, clock: FakeClock, restartable: list[App]
) -> None:
    """Answers given before a restart are kept; the open question goes on after it."""
    first = await open_app(config, clock)
    restartable.append(first)
    started = await Chat(first, user="pustakawan", moderator=True).say("/quiz start uji 2 20")
    await Chat(first, user="sari").say(button(started, _right(started)))
    await first.close()
    restartable.remove(first)

    await clock.advance(5)
    second = await open_app(config, clock)
    restartable.append(second)
    sari = Chat(second, user="sari")
    assert "sudah menjawab" in await sari.say("/answer A")
    budi = Chat(second, user="budi")
    assert "15 detik lagi" in await budi.say("/answer " + letter(started, _right(started)))
    start = budi.output.tell()
    await run_jobs(second, clock, 15)
    shown = budi.printed_since(start)
    assert "Benar: sari (+150), budi (+138)" in shown
    assert "offline" not in shown
    assert "Pertanyaan 2 dari 2" in shown


async def test_restart_after_the_question_ran_out(
    config: Config, clock: FakeClock, restartable: list[App]
) -> None:
    """A question whose time ran out while the bot was down is closed at start, saying so,
    and the quiz carries on; even when the bot was down longer than the scheduler's grace."""
    first = await open_app(config, clock)
    restartable.append(first)
    started = await Chat(first, user="pustakawan", moderator=True).say("/quiz start uji 2 20")
    await Chat(first, user="sari").say(button(started, _right(started)))
    await first.close()
    restartable.remove(first)

    await clock.advance(3 * 3600)
    second = await open_app(config, clock)
    restartable.append(second)
    budi = Chat(second, user="budi")
    await run_jobs(second, clock, 0)
    shown = budi.output.getvalue()
    assert "Waktu untuk pertanyaan ini habis saat saya sedang offline." in shown
    assert "Benar: sari (+150)" in shown
    assert "Pertanyaan 2 dari 2" in shown
    start = budi.output.tell()
    await run_jobs(second, clock, 20)
    assert "Klasemen akhir: Kuis Uji" in budi.printed_since(start)


async def test_a_result_due_while_the_platform_is_down_is_posted_once_when_it_is_back(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """The question closes while the console is not running: its result and the next question
    are neither lost nor doubled once it runs again (the job is retried)."""
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "Pertanyaan 1 dari 3" in await librarian.say("/quiz start uji 3 20")
    app.services.messenger.unregister("console")
    await run_jobs(app, clock, 20)
    budi = make_chat(user="budi")  # the console runs again
    assert "Jawabannya" not in budi.printed_since(0)
    await run_jobs(app, clock, 61)
    await run_jobs(app, clock, 5)
    shown = budi.printed_since(0)
    assert shown.count("Jawabannya") == 1
    assert shown.count("Pertanyaan 2 dari 3") == 1
    assert "⏱ Jawaban ditutup dalam 20 detik." in shown


ASKED = "⏱ Jawaban ditutup dalam 20 detik."  # in the question, not in its result


class DropsOnce:
    """The console, except that the platform drops the first message asking `refused`."""

    def __init__(self, chat: Chat, refused: str) -> None:
        self.chat, self.refused, self.dropped = chat, refused, 0

    async def deliver(self, destination, replies) -> None:
        shown = " ".join(f"{r.title or ''} {r.text}" for r in replies)
        if self.refused in shown and not self.dropped:
            self.dropped += 1
            raise ConnectionError("the platform dropped the connection")
        await self.chat.adapter.deliver(destination, replies)


async def test_a_next_question_the_platform_dropped_is_asked_before_it_closes(
    app: App, make_chat: Callable[..., Chat], clock: FakeClock
) -> None:
    """The result goes out, then the platform drops the next question: that question is asked
    once, with its whole time, before its own result — never closed unseen."""
    librarian = make_chat(user="pustakawan", moderator=True)
    assert "Pertanyaan 1 dari 2" in await librarian.say("/quiz start uji 2 20")
    budi = make_chat(user="budi")
    flaky = DropsOnce(budi, "Pertanyaan 2 dari 2")
    app.services.messenger.register("console", flaky)
    await run_jobs(app, clock, 20)  # question 1 closes; question 2 is dropped
    assert flaky.dropped == 1
    await run_jobs(app, clock, 20)  # question 2's original deadline
    shown = budi.printed_since(0)
    assert shown.count(ASKED) == 1
    assert "Klasemen akhir" not in shown
    asked_at = budi.output.tell()
    await run_jobs(app, clock, 19)
    assert "Jawabannya" not in budi.printed_since(asked_at)  # its whole time to answer
    await run_jobs(app, clock, 2)
    await run_jobs(app, clock, 61)  # question 1's job retried: nothing doubles
    shown = budi.printed_since(0)
    assert shown.count(ASKED) == 1
    assert shown.count("Jawabannya") == 2
    assert shown.index(ASKED) < shown.rindex("Jawabannya")
    assert shown.count("Klasemen akhir") == 1
