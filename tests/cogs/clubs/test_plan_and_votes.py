"""The pieces under the club commands: plans, places in a book, vote text and the tie rule,
the bundled discussion questions, hashtags, and spoilers on every platform."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console import render
from bot.adapters.discord.render import markdown
from bot.adapters.telegram.render import text_lines
from bot.api.replies import Reply
from bot.api.text import Text
from cogs.clubs.formatting import hashtag
from cogs.clubs.plan import Position, PositionError, fraction_of, make_plan, read_position
from cogs.clubs.prompts import PromptsError, choose, load_prompts
from cogs.clubs.votes import read_vote, winner_of

START = datetime(2026, 1, 5, 3, tzinfo=UTC)


def test_pages_are_divided_evenly_by_week() -> None:
    """320 pages over four weeks: 80 a week, each week starting seven days after the last."""
    plan = make_plan(START, 4, "pages", 320)
    assert [(s.first, s.last) for s in plan.sections] == [
        (1, 80),
        (81, 160),
        (161, 240),
        (241, 320),
    ]
    assert plan.sections[2].starts_at == datetime(2026, 1, 19, 3, tzinfo=UTC)
    assert plan.current(datetime(2026, 1, 13, tzinfo=UTC)).number == 2
    assert plan.current(datetime(2026, 1, 1, tzinfo=UTC)) is None
    assert plan.section_of(0.0).number == 1
    assert plan.section_of(0.25).number == 1
    assert plan.section_of(0.26).number == 2
    assert plan.section_of(1.0).number == 4


def test_fewer_chapters_than_weeks_give_fewer_sections() -> None:
    plan = make_plan(START, 6, "chapters", 3)
    assert [(s.first, s.last) for s in plan.sections] == [(1, 1), (2, 2), (3, 3)]
    percent = make_plan(START, 3, "percent", 100)
    assert [(s.first, s.last) for s in percent.sections] == [(0, 33), (33, 66), (66, 100)]


@pytest.mark.parametrize(
    ("typed", "position", "note"),
    [
        ("120", Position("", 120), ""),
        ("hal 120 seru", Position("pages", 120), "seru"),
        ("halaman 7", Position("pages", 7), ""),
        ("page 12", Position("pages", 12), ""),
        ("p.12", Position("pages", 12), ""),
        ("bab 5 Minke pergi", Position("chapters", 5), "Minke pergi"),
        ("Chapter 3", Position("chapters", 3), ""),
        ("45%", Position("percent", 45), ""),
        ("45 persen", Position("percent", 45), ""),
        ("selesai! bagus sekali", Position("percent", 100, done=True), "bagus sekali"),
    ],
)
def test_places_in_a_book(typed: str, position: Position, note: str) -> None:
    read = read_position(typed)
    if typed.startswith("selesai!"):
        assert read is None  # "selesai!" is not a word of its own; "selesai" is
        read = read_position("selesai bagus sekali")
    assert read == (position, note)


def test_unreadable_places_and_counts() -> None:
    assert read_position("kemarin") is None
    assert read_position("bab lima") is None
    assert fraction_of(Position("pages", 80), {"pages": 320}) == 0.25
    with pytest.raises(PositionError) as beyond:
        fraction_of(Position("pages", 321), {"pages": 320})
    assert (beyond.value.reason, beyond.value.total) == ("beyond", 320)
    with pytest.raises(PositionError) as unknown:
        fraction_of(Position("chapters", 2), {"pages": 320, "chapters": None})
    assert unknown.value.reason == "no-count"


def test_vote_text_and_closing_time() -> None:
    typed = read_vote("Bumi Manusia | Cantik Itu Luka || sampai Jumat jam 20.00")
    assert typed.books == ["Bumi Manusia", "Cantik Itu Luka"]
    assert typed.closes == "Jumat jam 20.00"
    assert read_vote("Sapiens: A Brief History | O").closes is None


def test_tie_goes_to_the_book_listed_first() -> None:
    assert winner_of({2: 3, 3: 3, 1: 1}, [1, 2, 3]) == (2, [2, 3])
    assert winner_of({3: 4, 1: 2}, [1, 2, 3]) == (3, [3])
    assert winner_of({}, [1, 2]) == (None, [])


def test_bundled_questions_load_in_both_languages() -> None:
    """The bundled file passes its schema; every week of a plan gets a question."""
    prompts = load_prompts()
    assert len(prompts) >= 20
    assert all(p.id and p.en and p.id != p.en for p in prompts)
    weeks = [choose(prompts, 1, week, 4) for week in range(1, 5)]
    assert weeks[0].stage in ("opening", "any")
    assert weeks[3].stage in ("closing", "any")
    assert len(set(weeks)) == 4


def test_a_bad_questions_file_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "prompts.toml"
    bad.write_text(
        '[[prompt]]\nstage = "opening"\nid = "Apa?"\n\n'
        '[[prompt]]\nstage = "sometimes"\nid = ""\nen = "What?"\ncolour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(PromptsError) as raised:
        load_prompts(bad)
    message = str(raised.value)
    assert "prompt 1: en must be a non-empty string" in message
    assert "prompt 2: unknown key 'colour'" in message
    assert "prompt 2: stage must be one of" in message
    assert "fewer than 3 closing questions" in message


def test_hashtags_from_club_names() -> None:
    assert hashtag("Klub Sastra Jumat") == "#KlubSastraJumat"
    assert hashtag("buku & kopi!") == "#BukuKopi"
    assert hashtag("2026") == "#Klub2026"


def test_spoilers_on_each_platform() -> None:
    """Discord's ||…||, Telegram's tg-spoiler, and never the text itself in the console."""
    text = Text.format("budi: ||“{note}”||", note="Annelies <meninggal>")
    assert markdown(text) == "budi: ||“Annelies <meninggal>”||"
    assert text_lines(text)[0].html == (
        "budi: <tg-spoiler>“Annelies &lt;meninggal&gt;”</tg-spoiler>"
    )
    shown = render(Reply.of(text)).plain
    assert shown == "budi: [spoiler, hidden]"
