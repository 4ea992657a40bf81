"""Quiz packs: TOML files of questions, validated so a librarian sees every mistake at once.

A pack (see "Quiz packs" in README.md and any file in cogs/quiz/data/)::

    title = "Sastra Indonesia"
    language = "id"                      # "id" or "en"
    author = "Perpustakaan Pustaka"
    description = "Optional."

    [[questions]]
    prompt = "Siapa penulis Bumi Manusia?"
    choices = ["Pramoedya Ananta Toer", "Mochtar Lubis", "Ahmad Tohari"]
    correct = 1                          # the right choice, counted from 1 as the list is written
    answers = ["Pramoedya", "Pram"]      # optional: more typed answers meaning the right choice
    explanation = "Optional, at most 200 characters."
    image = "https://…"                  # optional
    difficulty = "easy"                  # easy, medium (the default) or hard

    [[questions]]
    prompt = "Di pulau mana Laskar Pelangi berlatar?"
    answers = ["Belitung", "Belitong"]   # a typed-answer question: no choices

The limits follow what every platform can show: a prompt fits a Telegram quiz poll (300
characters), a choice a poll option (100), an explanation a poll's explanation (200).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.api.commands import N_
from cogs.quiz.answers import matches, normalize

PACKS_DIR = Path(__file__).resolve().parent / "data"
MAX_PACK_BYTES = 1_000_000
MAX_QUESTIONS = 200
MIN_CHOICES, MAX_CHOICES = 2, 10
MAX_PROMPT = 300  # characters, a Telegram poll question
MAX_CHOICE = 100  # characters, a Telegram poll option
MAX_EXPLANATION = 200  # characters, a Telegram quiz poll's explanation
MAX_TITLE = 100  # characters
MAX_DESCRIPTION = 500  # characters
LANGUAGES = ("id", "en")
DIFFICULTIES = ("easy", "medium", "hard")
PACK_KEYS = ("title", "language", "author", "description", "questions")
QUESTION_KEYS = ("prompt", "choices", "correct", "answers", "explanation", "image", "difficulty")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}", re.IGNORECASE)
_TOML_PLACE = re.compile(r"at line (\d+), column (\d+)")

# Message ids of problems, translated when described.
_TOO_BIG = N_("The file has {size} bytes; a quiz pack may have at most {limit}.")
_NOT_UTF8 = N_(
    "The file is not UTF-8 text (the first bad byte is on line {line}): save it as UTF-8."
)
_NOT_TOML = N_("The file is not valid TOML: line {line}, column {column}: {detail}.")
_BAD_KEY = N_(
    "The file name “{key}” should be letters, digits and hyphens, like sastra-indonesia.toml."
)
_UNKNOWN = N_("This key is unknown; allowed here: {allowed}.")
_REQUIRED = N_("This is required: write a text that is not empty.")
_NOT_TEXT = N_("This must be a text.")
_TOO_LONG = N_("This has {length} characters; at most {limit} are allowed.")
_LANGUAGE = N_("The language must be “id” (Indonesian) or “en” (English), not “{value}”.")
_NO_QUESTIONS = N_("The pack has no questions: add at least one [[questions]] table.")
_TOO_MANY = N_("The pack has {count} questions; at most {limit} are allowed.")
_NOT_TABLES = N_("The questions must be [[questions]] tables.")
_SAME_PROMPT = N_("Question {other} has the same prompt.")
_NO_ANSWER = N_("The question needs either choices with the right one, or accepted answers.")
_NOT_TEXTS = N_("This must be a list of texts.")
_CHOICE_COUNT = N_("There are {count} choices; a question needs {low} to {high}.")
_EMPTY_CHOICE = N_("Choice {number} is empty or has no letters or digits.")
_SAME_CHOICE = N_("Choice {number} (“{choice}”) is the same as choice {other}.")
_LONG_CHOICE = N_("Choice {number} has {length} characters; at most {limit} are allowed.")
_NO_CORRECT = N_("Missing: give the number of the right choice (1 for the first).")
_NOT_NUMBER = N_(
    "This must be a whole number: 1 for the first choice, 2 for the second, and so on."
)
_OUT_OF_RANGE = N_("The right choice is {correct}, but the choices are numbered 1 to {count}.")
_CORRECT_ALONE = N_("There are no choices: remove it, or add choices.")
_NO_ANSWERS = N_("List at least one accepted answer.")
_EMPTY_ANSWER = N_("Accepted answer {number} is empty or has no letters or digits.")
_WRONG_MATCH = N_("The accepted answer “{answer}” would also match the wrong choice “{choice}”.")
_DIFFICULTY = N_("The difficulty must be easy, medium or hard, not “{value}”.")
_IMAGE = N_("The image must be a web address starting with https:// or http://.")


@dataclass(frozen=True)
class Question:
    number: int  # 1-based position in the pack file
    prompt: str
    choices: tuple[str, ...]  # empty for a typed-answer question
    correct: int | None  # index into choices (None for typed)
    answers: tuple[str, ...]  # accepted typed answers; a choice question's right choice first
    explanation: str  # "" when none
    image: str  # an http(s) URL or ""
    difficulty: str  # one of DIFFICULTIES


@dataclass(frozen=True)
class Pack:
    key: str  # from the file name, e.g. "sastra-indonesia"
    title: str
    language: str  # one of LANGUAGES
    author: str
    description: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Problem:
    """One mistake in a pack. `message` is a message id: show it with `describe`."""

    question: int | None  # the question's number, None for the pack or the file
    field: str  # the key concerned, or "file"
    message: str
    values: dict[str, object] = field(default_factory=dict)


class PackError(Exception):
    """A pack does not validate; `problems` holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(describe(problem, str) for problem in problems))


def describe(problem: Problem, _: Callable[[str], str]) -> str:
    """One line for a librarian, e.g. "Question 3, correct: the choices are numbered 1 to 4."."""
    text = _(problem.message).format(**problem.values)
    if problem.question is not None:
        return _("Question {number}, {field}: {problem}").format(
            number=problem.question, field=problem.field, problem=text
        )
    if problem.field == "file":
        return text
    return f"{problem.field}: {text}"


def parse_pack(data: bytes, key: str) -> Pack:
    """The pack in `data` (TOML, UTF-8), or PackError listing everything wrong with it."""
    if len(data) > MAX_PACK_BYTES:
        raise PackError([_file(_TOO_BIG, size=len(data), limit=MAX_PACK_BYTES)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PackError([_file(_NOT_UTF8, line=line)]) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackError([_toml_problem(error, text)]) from None
    problems = _key_problems(key) + _pack_problems(document)
    if problems:
        raise PackError(problems)
    return _build(document, key)


def load_pack(path: Path) -> Pack:
    """The pack in the file at `path`; its key is the file's name without `.toml`."""
    with path.open("rb") as handle:
        data = handle.read(MAX_PACK_BYTES + 1)
    return parse_pack(data, path.stem)


def bundled_packs(directory: Path = PACKS_DIR) -> list[Pack]:
    """Every pack in cogs/quiz/data/, sorted by key. PackError lists the problems of all of them,
    each prefixed with its file's name in `field`."""
    packs, problems = [], []
    for path in sorted(directory.glob("*.toml")):
        try:
            packs.append(load_pack(path))
        except PackError as error:
            problems += [
                Problem(p.question, f"{path.name}: {p.field}", p.message, p.values)
                for p in error.problems
            ]
    if problems:
        raise PackError(problems)
    return sorted(packs, key=lambda pack: pack.key)


# --- validation ---


def _file(message: str, **values: object) -> Problem:
    return Problem(None, "file", message, values)


def _toml_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """The TOML error with its place; tomllib says "at end of document" for the last line."""
    detail = str(error)
    place = _TOML_PLACE.search(detail)
    if place:
        line, column = int(place.group(1)), int(place.group(2))
        detail = detail[: place.start()].rstrip(" (")
    else:
        line, column = text.count("\n") + 1, 1
        detail = detail.replace("(at end of document)", "").strip()
    return _file(_NOT_TOML, line=line, column=column, detail=detail)


def _key_problems(key: str) -> list[Problem]:
    return [] if _KEY.fullmatch(key) else [_file(_BAD_KEY, key=key)]


def _unknown(table: dict[str, Any], allowed: tuple[str, ...], number: int | None) -> list[Problem]:
    return [
        Problem(number, key, _UNKNOWN, {"allowed": ", ".join(allowed)})
        for key in table
        if key not in allowed
    ]


def _text_problems(
    table: dict[str, Any], key: str, limit: int, number: int | None, *, required: bool
) -> list[Problem]:
    if key not in table:
        return [Problem(number, key, _REQUIRED)] if required else []
    value = table[key]
    if not isinstance(value, str):
        return [Problem(number, key, _NOT_TEXT)]
    if required and not value.strip():
        return [Problem(number, key, _REQUIRED)]
    if len(value.strip()) > limit:
        return [Problem(number, key, _TOO_LONG, {"length": len(value.strip()), "limit": limit})]
    return []


def _pack_problems(document: dict[str, Any]) -> list[Problem]:
    problems = _unknown(document, PACK_KEYS, None)
    problems += _text_problems(document, "title", MAX_TITLE, None, required=True)
    problems += _text_problems(document, "author", MAX_TITLE, None, required=True)
    problems += _text_problems(document, "description", MAX_DESCRIPTION, None, required=False)
    language = document.get("language")
    if language is None or (isinstance(language, str) and not language.strip()):
        problems.append(Problem(None, "language", _REQUIRED))
    elif language not in LANGUAGES:
        problems.append(Problem(None, "language", _LANGUAGE, {"value": language}))
    questions = document.get("questions", [])
    if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
        return [*problems, Problem(None, "questions", _NOT_TABLES)]
    if not questions:
        problems.append(Problem(None, "questions", _NO_QUESTIONS))
    elif len(questions) > MAX_QUESTIONS:
        problems.append(
            Problem(None, "questions", _TOO_MANY, {"count": len(questions), "limit": MAX_QUESTIONS})
        )
    prompts: dict[str, int] = {}
    for number, question in enumerate(questions, 1):
        problems += _question_problems(question, number)
        prompt = question.get("prompt")
        if isinstance(prompt, str) and prompt.strip():
            folded = " ".join(prompt.casefold().split())
            if folded in prompts:
                problems.append(Problem(number, "prompt", _SAME_PROMPT, {"other": prompts[folded]}))
            prompts.setdefault(folded, number)
    return problems


def _question_problems(question: dict[str, Any], number: int) -> list[Problem]:
    problems = _unknown(question, QUESTION_KEYS, number)
    problems += _text_problems(question, "prompt", MAX_PROMPT, number, required=True)
    problems += _text_problems(question, "explanation", MAX_EXPLANATION, number, required=False)
    has_choices, has_answers = "choices" in question, "answers" in question
    if not has_choices and not has_answers:
        problems.append(Problem(number, "answers", _NO_ANSWER))
    choices = _choices(question, number, problems) if has_choices else None
    if has_choices:
        problems += _correct_problems(question.get("correct"), choices, number)
    elif "correct" in question:
        problems.append(Problem(number, "correct", _CORRECT_ALONE))
    if has_answers:
        problems += _answers_problems(question, choices, number)
    difficulty = question.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        problems.append(Problem(number, "difficulty", _DIFFICULTY, {"value": difficulty}))
    if "image" in question and not _is_web_address(question["image"]):
        problems.append(Problem(number, "image", _IMAGE))
    return problems


def _choices(question: dict[str, Any], number: int, problems: list[Problem]) -> list[str] | None:
    """The choices as texts (None if they are not a list of texts), adding their problems."""
    choices = question["choices"]
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        problems.append(Problem(number, "choices", _NOT_TEXTS))
        return None
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        values = {"count": len(choices), "low": MIN_CHOICES, "high": MAX_CHOICES}
        problems.append(Problem(number, "choices", _CHOICE_COUNT, values))
    seen: dict[str, int] = {}
    for place, choice in enumerate(choices, 1):
        form = normalize(choice)
        if not form:
            problems.append(Problem(number, "choices", _EMPTY_CHOICE, {"number": place}))
        elif form in seen:
            values = {"number": place, "choice": choice.strip(), "other": seen[form]}
            problems.append(Problem(number, "choices", _SAME_CHOICE, values))
        else:
            seen[form] = place
        if len(choice.strip()) > MAX_CHOICE:
            values = {"number": place, "length": len(choice.strip()), "limit": MAX_CHOICE}
            problems.append(Problem(number, "choices", _LONG_CHOICE, values))
    return choices


def _correct_problems(correct: object, choices: list[str] | None, number: int) -> list[Problem]:
    if correct is None:
        return [Problem(number, "correct", _NO_CORRECT)]
    if not isinstance(correct, int) or isinstance(correct, bool):
        return [Problem(number, "correct", _NOT_NUMBER)]
    if choices is not None and not 1 <= correct <= len(choices):
        return [
            Problem(number, "correct", _OUT_OF_RANGE, {"correct": correct, "count": len(choices)})
        ]
    return []


def _answers_problems(
    question: dict[str, Any], choices: list[str] | None, number: int
) -> list[Problem]:
    answers = question["answers"]
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        return [Problem(number, "answers", _NOT_TEXTS)]
    if not answers and not choices:
        return [Problem(number, "answers", _NO_ANSWERS)]
    problems = [
        Problem(number, "answers", _EMPTY_ANSWER, {"number": place})
        for place, answer in enumerate(answers, 1)
        if not normalize(answer)
    ]
    correct = question.get("correct")
    if choices and isinstance(correct, int) and 1 <= correct <= len(choices):
        wrong = [c for place, c in enumerate(choices, 1) if place != correct and normalize(c)]
        for answer in answers:
            for choice in wrong:
                if normalize(answer) and matches(answer, [choice]):
                    values = {"answer": answer.strip(), "choice": choice.strip()}
                    problems.append(Problem(number, "answers", _WRONG_MATCH, values))
    return problems


def _is_web_address(value: object) -> bool:
    if not isinstance(value, str) or any(char.isspace() for char in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# --- building ---


def _build(document: dict[str, Any], key: str) -> Pack:
    return Pack(
        key=key,
        title=document["title"].strip(),
        language=document["language"],
        author=document["author"].strip(),
        description=document.get("description", "").strip(),
        questions=tuple(_question(q, n) for n, q in enumerate(document["questions"], 1)),
    )


def _question(question: dict[str, Any], number: int) -> Question:
    choices = tuple(" ".join(choice.split()) for choice in question.get("choices", []))
    correct = question["correct"] - 1 if choices else None
    answers = [choices[correct]] if correct is not None else []
    for answer in question.get("answers", []):
        if normalize(answer) not in {normalize(known) for known in answers}:
            answers.append(" ".join(answer.split()))
    return Question(
        number=number,
        prompt=question["prompt"].strip(),
        choices=choices,
        correct=correct,
        answers=tuple(answers),
        explanation=question.get("explanation", "").strip(),
        image=question.get("image", ""),
        difficulty=question.get("difficulty", "medium"),
    )
