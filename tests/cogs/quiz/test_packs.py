"""Quiz packs: the bundled ones load and validate; a broken pack is refused with every problem
listed by question number and field, in the reader's language."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from bot.api.i18n import I18n
from cogs.quiz.answers import matches
from cogs.quiz.packs import (
    MAX_PACK_BYTES,
    PACKS_DIR,
    PackError,
    Problem,
    Question,
    bundled_packs,
    describe,
    load_pack,
    parse_pack,
)

HEAD = 'title = "Uji"\nlanguage = "id"\nauthor = "Pustakawan"\n'
GOOD_CHOICE = """
[[questions]]
prompt = "Siapa penulis Bumi Manusia?"
choices = ["Mochtar Lubis", "Pramoedya Ananta Toer", "Ahmad Tohari"]
correct = 2
answers = ["Pram"]
explanation = "Novel pertama Tetralogi Buru."
difficulty = "easy"
"""
GOOD_TYPED = """
[[questions]]
prompt = "Di pulau mana Laskar Pelangi berlatar?"
answers = ["Belitung", "Belitong"]
image = "https://example.org/belitung.jpg"
"""


def problems_of(text: str | bytes, key: str = "uji") -> list[Problem]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(PackError) as caught:
        parse_pack(data, key)
    return caught.value.problems


def places(problems: list[Problem]) -> list[tuple[int | None, str]]:
    return [(problem.question, problem.field) for problem in problems]


def english(problem: Problem) -> str:
    return describe(problem, str)


# --- the bundled packs ---


def test_every_bundled_pack_loads_and_validates() -> None:
    """All four packs validate, each with at least 25 questions of both kinds, explained."""
    packs = {pack.key: pack for pack in bundled_packs()}
    assert {"sastra-indonesia", "perpustakaan-membaca", "world-classics", "buku-anak"} <= set(packs)
    assert len(packs) == len(list(PACKS_DIR.glob("*.toml")))
    assert packs["world-classics"].language == "en"
    assert packs["sastra-indonesia"].language == "id"
    for pack in packs.values():
        assert len(pack.questions) >= 25, pack.key
        assert pack.title and pack.author
        typed = [q for q in pack.questions if not q.choices]
        assert 5 <= len(typed) <= len(pack.questions) - 5, pack.key
        explained = [q for q in pack.questions if q.explanation]
        assert len(explained) >= 0.8 * len(pack.questions), pack.key
        assert {q.difficulty for q in pack.questions} == {"easy", "medium", "hard"}, pack.key
        assert [q.number for q in pack.questions] == list(range(1, len(pack.questions) + 1))
        for question in pack.questions:
            if question.choices:
                right = question.choices[question.correct]
                assert question.answers[0] == right
                assert matches(right, question.answers)
                wrong = [c for c in question.choices if c != right]
                assert not any(matches(c, question.answers) for c in wrong), question.prompt
            else:
                assert question.correct is None and question.answers


def test_a_pack_is_read_as_written() -> None:
    """`correct` counts from 1; extra typed answers follow the right choice; defaults apply."""
    pack = parse_pack((HEAD + GOOD_CHOICE + GOOD_TYPED).encode(), "uji")
    assert (pack.key, pack.title, pack.language, pack.author, pack.description) == (
        "uji",
        "Uji",
        "id",
        "Pustakawan",
        "",
    )
    choice, typed = pack.questions
    assert choice.number == 1 and typed.number == 2
    assert choice.choices[choice.correct] == "Pramoedya Ananta Toer"
    assert choice.answers == ("Pramoedya Ananta Toer", "Pram")
    assert (choice.difficulty, typed.difficulty) == ("easy", "medium")
    assert typed.choices == () and typed.correct is None
    assert typed.answers == ("Belitung", "Belitong")
    assert typed.image == "https://example.org/belitung.jpg" and typed.explanation == ""


def test_load_pack_takes_its_key_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "kuis-saya.toml"
    path.write_text(HEAD + GOOD_TYPED, encoding="utf-8")
    assert load_pack(path).key == "kuis-saya"


def test_a_byte_order_mark_is_accepted() -> None:
    """Notepad on Windows saves UTF-8 with a BOM; that is still a good pack."""
    assert parse_pack(b"\xef\xbb\xbf" + (HEAD + GOOD_TYPED).encode(), "uji").title == "Uji"


# --- malformed packs ---


def test_a_question_without_any_answer() -> None:
    problems = problems_of(HEAD + '[[questions]]\nprompt = "Tanpa jawaban?"\n')
    assert places(problems) == [(1, "answers")]
    assert "either choices" in english(problems[0])


def test_duplicate_choices_ignore_case_spaces_and_accents() -> None:
    text = HEAD + (
        '[[questions]]\nprompt = "P?"\n'
        'choices = ["Chairil Anwar", "Amir Hamzah", " chairil  anwar ", "Amír Hamzah"]\n'
        "correct = 1\n"
    )
    problems = problems_of(text)
    assert places(problems) == [(1, "choices"), (1, "choices")]
    assert english(problems[0]) == (
        "Question 1, choices: Choice 3 (“chairil  anwar”) is the same as choice 1."
    )
    assert "Choice 4 (“Amír Hamzah”) is the same as choice 2" in english(problems[1])


@pytest.mark.parametrize("correct", ["0", "4", "-1"])
def test_correct_out_of_range(correct: str) -> None:
    text = (
        HEAD + f'[[questions]]\nprompt = "P?"\nchoices = ["A1", "B2", "C3"]\ncorrect = {correct}\n'
    )
    [problem] = problems_of(text)
    assert english(problem) == (
        f"Question 1, correct: The right choice is {correct}, but the choices are numbered 1 to 3."
    )


def test_correct_missing_or_not_a_number() -> None:
    text = HEAD + (
        '[[questions]]\nprompt = "P1?"\nchoices = ["X1", "Y2"]\n'
        '[[questions]]\nprompt = "P2?"\nchoices = ["X1", "Y2"]\ncorrect = "2"\n'
        '[[questions]]\nprompt = "P3?"\nanswers = ["X1"]\ncorrect = 1\n'
    )
    problems = problems_of(text)
    assert places(problems) == [(1, "correct"), (2, "correct"), (3, "correct")]
    assert "1 for the first" in english(problems[0])
    assert "whole number" in english(problems[1])
    assert "no choices" in english(problems[2])


def test_a_ten_megabyte_file_is_refused_unread() -> None:
    data = HEAD.encode() + b"#" * (10 * 1024 * 1024)
    [problem] = problems_of(data)
    assert (problem.question, problem.field) == (None, "file")
    assert problem.values == {"size": len(data), "limit": MAX_PACK_BYTES}
    assert english(problem) == (
        f"The file has {len(data)} bytes; a quiz pack may have at most {MAX_PACK_BYTES}."
    )


def test_invalid_utf8_names_the_line() -> None:
    data = (HEAD + '[[questions]]\nprompt = "Caf').encode() + b'\xe9"\nanswers = ["x"]\n'
    [problem] = problems_of(data)
    assert english(problem) == (
        "The file is not UTF-8 text (the first bad byte is on line 5): save it as UTF-8."
    )


def test_a_toml_syntax_error_names_line_and_column() -> None:
    [problem] = problems_of(HEAD + '[[questions]]\nprompt = "Tanpa tutup\nanswers = ["x"]\n')
    assert problem.field == "file"
    assert problem.values["line"] == 5
    assert english(problem).startswith("The file is not valid TOML: line 5, column ")


def test_a_toml_error_at_the_end_of_the_file() -> None:
    [problem] = problems_of(HEAD + "[[questions]\n")
    assert problem.values["line"] >= 4


def test_every_problem_is_reported_at_once() -> None:
    """One look at the list is enough to fix the whole file."""
    text = """
title = ""
language = "fr"
colour = "blue"

[[questions]]
prompt = "Pertanyaan baik?"
answers = ["ya"]

[[questions]]
prompt = "Siapa?"
choices = ["Ayu Utami"]
correct = 2
difficulty = "sedang"
image = "ftp://example.org/a.png"
hint = "x"

[[questions]]
prompt = "Siapa?"
choices = ["Dee", "dee", "", "Ayu"]
correct = 1
answers = ["  ", "Ayu"]
explanation = 3

[[questions]]
prompt = ""
answers = []
"""
    problems = problems_of(text)
    assert places(problems) == [
        (None, "colour"),
        (None, "title"),
        (None, "author"),
        (None, "language"),
        (2, "hint"),
        (2, "choices"),
        (2, "correct"),
        (2, "difficulty"),
        (2, "image"),
        (3, "explanation"),
        (3, "choices"),
        (3, "choices"),
        (3, "answers"),
        (3, "answers"),
        (3, "prompt"),
        (4, "prompt"),
        (4, "answers"),
    ]
    lines = [english(problem) for problem in problems]
    assert lines[0] == (
        "colour: This key is unknown; allowed here: title, language, author, description, "
        "questions."
    )
    assert (
        lines[3] == "language: The language must be “id” (Indonesian) or “en” (English), not “fr”."
    )
    assert lines[5] == "Question 2, choices: There are 1 choices; a question needs 2 to 10."
    assert lines[6] == (
        "Question 2, correct: The right choice is 2, but the choices are numbered 1 to 1."
    )
    assert lines[12] == (
        "Question 3, answers: Accepted answer 1 is empty or has no letters or digits."
    )
    assert lines[13] == (
        "Question 3, answers: The accepted answer “Ayu” would also match the wrong choice “Ayu”."
    )
    assert lines[14] == "Question 3, prompt: Question 2 has the same prompt."
    assert "List at least one accepted answer" in lines[16]


def test_limits() -> None:
    """Prompts fit a Telegram poll; at most ten choices and two hundred questions."""
    long_prompt = "x" * 301
    eleven = ", ".join(f'"c{n}"' for n in range(11))
    text = HEAD + (
        f'[[questions]]\nprompt = "{long_prompt}"\nanswers = ["a"]\n'
        f'[[questions]]\nprompt = "P?"\nchoices = [{eleven}]\ncorrect = 1\n'
    )
    problems = problems_of(text)
    assert [english(p) for p in problems] == [
        "Question 1, prompt: This has 301 characters; at most 300 are allowed.",
        "Question 2, choices: There are 11 choices; a question needs 2 to 10.",
    ]
    many = HEAD + "".join(f'[[questions]]\nprompt = "P{n}?"\nanswers = ["a"]\n' for n in range(201))
    assert [english(p) for p in problems_of(many)] == [
        "questions: The pack has 201 questions; at most 200 are allowed."
    ]
    assert [english(p) for p in problems_of(HEAD)] == [
        "questions: The pack has no questions: add at least one [[questions]] table."
    ]


def test_a_file_name_that_cannot_be_a_command_argument() -> None:
    [problem] = problems_of(HEAD + GOOD_TYPED, key="kuis saya")
    assert problem.field == "file" and problem.values == {"key": "kuis saya"}


def test_bundled_packs_reports_every_broken_file(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(HEAD + '[[questions]]\nprompt = "P?"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_bytes(b"\xff")
    (tmp_path / "c.toml").write_text(HEAD + GOOD_TYPED, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        bundled_packs(tmp_path)
    assert [p.field for p in caught.value.problems] == ["a.toml: answers", "b.toml: file"]


# --- in the reader's language ---


def test_describe_speaks_indonesian() -> None:
    indonesian = partial(I18n().gettext, "id")
    text = HEAD + '[[questions]]\nprompt = "P?"\nchoices = ["A1", "B2", "C3"]\ncorrect = 7\n'
    [problem] = problems_of(text)
    assert describe(problem, indonesian) == (
        "Pertanyaan 1, correct: Pilihan yang benar tertulis 7, "
        "padahal pilihannya bernomor 1 sampai 3."
    )
    [problem] = problems_of(b"\xff")
    assert describe(problem, indonesian).startswith("Berkas ini bukan teks UTF-8 (")


def _asking(pack: str, words: str) -> Question:
    found = [q for q in {p.key: p for p in bundled_packs()}[pack].questions if words in q.prompt]
    assert len(found) == 1, words
    return found[0]


def _judged(question: Question, typed: str) -> bool:
    rivals = [c for i, c in enumerate(question.choices) if i != question.correct]
    return matches(typed, question.answers, rivals)


def test_the_facts_corrected_in_issue_21() -> None:
    """The bundled packs say what was checked to be right, and accept what members type."""
    book_day = _asking("perpustakaan-membaca", "Hari Buku Sedunia")
    assert "secara simbolis" in book_day.explanation
    assert "Inca Garcilaso de la Vega" in book_day.explanation
    ddc = _asking("perpustakaan-membaca", "sastra Indonesia?")
    assert "823 untuk fiksi sastra Inggris" in ddc.explanation
    science = _asking("perpustakaan-membaca", "huruf Q")
    assert science.prompt == "Dalam sistem klasifikasi mana huruf Q menandai kelas utama sains?"
    assert science.choices[science.correct] == "Library of Congress Classification"
    deposit = _asking("perpustakaan-membaca", "menyerahkan contoh setiap terbitannya")
    assert _judged(deposit, "legal deposit") and _judged(deposit, "deposit legal")
    assert not _judged(deposit, "deposit")
    issn = _asking("perpustakaan-membaca", "terbitan berseri")
    assert "8 karakter" in issn.explanation and "X" in issn.explanation
    annelies = _asking("sastra-indonesia", "Nyai Ontosoroh")
    assert "Annelies, istri Minke" in annelies.explanation
    assert "tidak mengakui pernikahan" in annelies.explanation
    pooh = _asking("buku-anak", "Winnie the Pooh")
    assert "bersahabat dengan Christopher Robin" in pooh.explanation
    assert (
        "“Jalan Tak Ada Ujung” dan “Harimau! Harimau!”"
        in _asking("sastra-indonesia", "Harimau!").prompt
    )
    typed = [
        ("buku-anak", "nama sekolah sihir", "Sekolah Sihir Hogwarts"),
        ("perpustakaan-membaca", "memberikan ISBN", "Perpustakaan Nasional Republik Indonesia"),
        ("buku-anak", "Hogwarts Express", "platform 9¾"),
        ("world-classics", "London address", "221B Baker St"),
        ("world-classics", "The Great Gatsby", "Nick"),
        ("world-classics", "To Kill a Mockingbird", "Scout"),
        ("world-classics", "Mrs Dalloway", "Woolf"),
        ("sastra-indonesia", "Cantik Itu Luka", "Kurniawan"),
    ]
    for pack, words, answer in typed:
        assert _judged(_asking(pack, words), answer), answer
