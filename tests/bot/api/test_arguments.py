from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.api.arguments import UsageError, parse_arguments, tokenize
from bot.api.commands import Command, Feature, choice, integer, text


def make(*params):
    return Command("x", "", tuple(params), handler=None, feature=Feature.__new__(Feature))


def parse(command, line):
    return parse_arguments(command, line, lambda message: message)


def test_quotes_keep_words_together() -> None:
    """Straight and curly double quotes group words; apostrophes do not."""
    assert [t.text for t in tokenize('"Bumi Manusia" “Laskar Pelangi” don\'t')] == [
        "Bumi Manusia",
        "Laskar Pelangi",
        "don't",
    ]


def test_rest_takes_the_line_as_written() -> None:
    """The last text parameter marked rest keeps the spacing of the line."""
    command = make(integer("n", ""), text("note", "", rest=True))
    assert parse(command, "3 a  b   c") == {"n": 3, "note": "a  b   c"}
    assert parse(command, '3 "only quoted"') == {"n": 3, "note": "only quoted"}


def test_optional_parameters_get_defaults() -> None:
    """Missing optional values take their declared defaults."""
    command = make(text("pack", ""), integer("questions", "", required=False, default=10))
    assert parse(command, "sastra") == {"pack": "sastra", "questions": 10}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "Missing pack."),
        ("a 5 6", "I don't understand “6”."),
        ("a 0", "{name} must be between {low} and {high}."),
        ("a 51", "{name} must be between {low} and {high}."),
    ],
)
def test_bad_arguments_say_what_is_wrong(line: str, message: str) -> None:
    """Each kind of bad argument gives its own explanation."""
    command = make(
        text("pack", ""), integer("questions", "", required=False, min_value=1, max_value=50)
    )
    with pytest.raises(UsageError) as raised:
        parse_arguments(command, line, lambda m: m)
    assert raised.value.message.startswith(message.split("{")[0]) or message in raised.value.message


def test_numbers_and_extra_words_are_refused() -> None:
    """A number parameter refuses a word; words left over are too many."""
    command = make(integer("n", ""), text("note", "", required=False))
    with pytest.raises(UsageError, match="must be a whole number"):
        parse(command, "ten")
    with pytest.raises(UsageError, match="Too many arguments"):
        parse(command, "1 a b")


def test_text_takes_several_words_before_a_number() -> None:
    """Without quotes, a text parameter takes the words up to the number that follows it."""
    command = make(
        text("book", ""),
        integer("stars", "", min_value=1, max_value=5),
        text("review", "", required=False, rest=True),
    )
    assert parse(command, "Bumi Manusia 5 Wajib dibaca") == {
        "book": "Bumi Manusia",
        "stars": 5,
        "review": "Wajib dibaca",
    }
    assert parse(command, '"Bumi Manusia" 5') == {
        "book": "Bumi Manusia",
        "stars": 5,
        "review": None,
    }
    with pytest.raises(UsageError, match="Missing stars") as raised:
        parse(command, "Bumi Manusia")
    assert 'With quotes, nothing is guessed: /x <"book"> <stars> [review]' in raised.value.message


def test_a_time_is_found_anywhere() -> None:
    """A time parameter takes the longest run of words that reads as a time, quoted or not;
    the text around it goes to the parameters before and after."""
    command = make(
        text("title", ""),
        text("when", "", time=True),
        text("where", "", required=False),
        integer("capacity", "", required=False),
        text("description", "", required=False, rest=True),
    )
    expected = {"title": "Bedah Buku Bumi Manusia", "when": "Sabtu depan jam 10 pagi"}
    blank = {"where": None, "capacity": None, "description": None}
    assert parse(command, '"Bedah Buku Bumi Manusia" Sabtu depan jam 10 pagi') == expected | blank
    assert parse(command, "Bedah Buku Bumi Manusia Sabtu depan jam 10 pagi") == expected | blank
    assert parse(
        command, "Bedah Buku Bumi Manusia Sabtu depan jam 10 pagi Aula Perpustakaan 40 Santai"
    ) == expected | {"where": "Aula Perpustakaan", "capacity": 40, "description": "Santai"}
    assert parse(command, '"Klub" "setiap Sabtu 10.00" "Ruang Baca" 20')["capacity"] == 20
    with pytest.raises(UsageError, match="I can't find when in “Bedah Buku Bumi Manusia Aula”"):
        parse(command, "Bedah Buku Bumi Manusia Aula")


def test_two_texts_without_quotes_are_not_guessed() -> None:
    """Where two text parameters meet, words without quotes cannot be split: the answer names
    the words and shows the quoted form."""
    command = make(text("name", ""), text("book", ""), integer("weeks", "", required=False))
    assert parse(command, '"Klub Bumi" Bumi Manusia 4') == {
        "name": "Klub Bumi",
        "book": "Bumi Manusia",
        "weeks": 4,
    }
    with pytest.raises(UsageError) as raised:
        parse(command, "Klub Bumi Bumi Manusia 4")
    assert "I can't tell where name ends in “Klub Bumi Bumi Manusia 4”." in raised.value.message
    assert '/x <"name"> <"book"> [weeks]' in raised.value.message


def test_choice_matches_value_or_label() -> None:
    """A choice accepts its value or its label, in any case, and refuses others."""
    command = make(choice("language", "", [("id", "Indonesian"), ("en", "English")]))
    assert parse(command, "EN") == {"language": "en"}
    assert parse(command, "indonesian") == {"language": "id"}
    with pytest.raises(UsageError):
        parse(command, "fr")


def test_choice_takes_its_synonyms() -> None:
    """Words declared as synonyms of a choice count, in any case."""
    command = make(
        choice("answer", "", [("going", "Going"), ("no", "Not going")], synonyms={"going": ("ya",)})
    )
    assert parse(command, "YA") == {"answer": "going"}
    assert parse(command, "no") == {"answer": "no"}


@given(st.text(max_size=300))
def test_any_line_parses_or_raises_usage_error(line: str) -> None:
    """No input makes argument parsing fail with anything but a usage error."""
    command = make(
        text("a", ""),
        integer("b", "", required=False, min_value=0),
        text("c", "", required=False, rest=True),
    )
    try:
        values = parse(command, line)
    except UsageError:
        return
    assert set(values) == {"a", "b", "c"}
