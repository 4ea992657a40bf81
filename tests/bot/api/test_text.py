from __future__ import annotations

from bot.api.text import Span, Text


def test_values_never_become_formatting() -> None:
    """A member's name full of marks stays plain text inside a bold template."""
    text = Text.format("Hello **{name}**!", name="*_`<b>`_*")
    assert text.spans == (Span("Hello "), Span("*_`<b>`_*", bold=True), Span("!"))


def test_marks_in_the_template_style_text() -> None:
    """Bold, italic and code marks in a template become styled spans."""
    text = Text.format("**a** __b__ `c`")
    assert [(s.text, s.bold, s.italic, s.code) for s in text.spans] == [
        ("a", True, False, False),
        (" ", False, False, False),
        ("b", False, True, False),
        (" ", False, False, False),
        ("c", False, False, True),
    ]


def test_nested_text_keeps_links_and_gains_style() -> None:
    """A link put into a bold template stays a link and turns bold."""
    text = Text.format("see **{link}**", link=Text.link("catalog", "https://example.org"))
    assert text.spans[-1] == Span("catalog", bold=True, url="https://example.org")


def test_join_lines_and_str() -> None:
    """Joined text reads as plain text and splits back into its lines."""
    text = Text.join([Text.format("**x**"), "y"], "\n")
    assert str(text) == "x\ny"
    assert [str(line) for line in text.lines()] == ["x", "y"]
    assert len(text) == 3
