"""The rules of a quiz, apart from storage and messages: which questions are asked and in what
order, whether an answer is right, how many points it earns, and how players are ranked."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cogs.quiz.answers import choice_index, matches, mislabelled, normalize
from cogs.quiz.packs import Pack

DEFAULT_QUESTIONS = 10
DEFAULT_SECONDS = 20
LETTERS = "ABCDEFGHIJKL"
POINTS = 100  # for a right answer
SPEED_BONUS = 50  # at most, for answering at once; nothing at the last moment
_PICK = re.compile(r"[A-Za-z]|\d{1,2}")
_LONE_LETTER = re.compile(r"\(?[A-Za-z][.)]?")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Drawn:
    """A question as it will be asked: its choices already shuffled."""

    prompt: str
    choices: tuple[str, ...]
    correct: int | None
    answers: tuple[str, ...]
    explanation: str
    image: str


@dataclass(frozen=True, slots=True)
class Asked:
    """A question of a quiz, as stored: asked (opened), closed or still waiting."""

    id: int
    quiz_id: int
    position: int
    prompt: str
    choices: tuple[str, ...]
    correct: int | None
    answers: tuple[str, ...]
    explanation: str
    image: str
    opened_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return (
            self.closed_at is None
            and self.closes_at is not None
            and self.opened_at is not None
            and now < self.closes_at
        )

    def right_answer(self) -> str:
        """What the result shows: the right choice with its letter, else the first answer."""
        if self.correct is not None and 0 <= self.correct < len(self.choices):
            return f"{LETTERS[self.correct]}. {self.choices[self.correct]}"
        return self.answers[0] if self.answers else ""


@dataclass(frozen=True, slots=True)
class Judged:
    answer: str
    """What is stored and echoed: the chosen letter, or the words typed."""
    correct: bool


class NotAChoice(Exception):
    """A letter or number that names no choice of the question ("E" when there are four), or a
    letter with another choice's text ("D. Marah Rusli" when Marah Rusli is B)."""


class NoChoices(Exception):
    """A lone letter given to a question without choices, whose answer is no single letter."""


def draw(pack: Pack, count: int, rng: random.Random) -> list[Drawn]:
    """`count` questions of the pack in a random order, each with its choices shuffled."""
    picked = rng.sample(list(pack.questions), min(count, len(pack.questions)))
    drawn = []
    for question in picked:
        order = list(range(len(question.choices)))
        rng.shuffle(order)
        correct = order.index(question.correct) if question.correct is not None else None
        drawn.append(
            Drawn(
                prompt=question.prompt,
                choices=tuple(question.choices[i] for i in order),
                correct=correct,
                answers=tuple(question.answers),
                explanation=question.explanation,
                image=question.image,
            )
        )
    return drawn


def judge(question: Asked, given: str) -> Judged:
    """Whether `given` (a letter, a choice's number, or words) answers the question rightly.
    NotAChoice or NoChoices when it is a letter that cannot be judged: the member is told so,
    and the answer is not used up."""
    given = " ".join(given.split())
    if question.choices:
        index = choice_index(given, question.choices)
        if index is not None:
            return Judged(LETTERS[index], index == question.correct)
        if _PICK.fullmatch(given) or mislabelled(given, question.choices):
            raise NotAChoice(given)
    elif _LONE_LETTER.fullmatch(given) and not any(
        len(normalize(answer)) == 1 for answer in question.answers
    ):
        raise NoChoices(given)
    rivals = [c for i, c in enumerate(question.choices) if i != question.correct]
    return Judged(given[:100], matches(given, question.answers, rivals))


def points(correct: bool, seconds_left: float, seconds: int) -> int:
    """A right answer earns POINTS, plus a speed bonus shrinking to nothing at the deadline."""
    if not correct:
        return 0
    share = max(0.0, min(1.0, seconds_left / seconds)) if seconds > 0 else 0.0
    return POINTS + int(SPEED_BONUS * share + 0.5)


def ranked(rows: Sequence[T], score: Callable[[T], int]) -> list[tuple[int, T]]:
    """Standard competition ranking, "1, 2, 2, 4": equal scores share a rank, and the next
    rank skips as many places as shared it. `rows` must already be sorted best first."""
    out: list[tuple[int, T]] = []
    for place, row in enumerate(rows, 1):
        if out and score(out[-1][1]) == score(row):
            out.append((out[-1][0], row))
        else:
            out.append((place, row))
    return out
