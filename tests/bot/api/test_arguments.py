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
        ("a b c", "Too many arguments."),
        ("a ten", "{name} must be a whole number."),
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


def test_choice_matches_value_or_label() -> None:
    """A choice accepts its value or its label, in any case, and refuses others."""
    command = make(choice("language", "", [("id", "Indonesian"), ("en", "English")]))
    assert parse(command, "EN") == {"language": "en"}
    assert parse(command, "indonesian") == {"language": "id"}
    with pytest.raises(UsageError):
        parse(command, "fr")


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
