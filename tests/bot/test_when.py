from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.when import parse_when

JAKARTA = ZoneInfo("Asia/Jakarta")
# Wednesday 25 November 2026, 10:00 in Jakarta.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("besok jam 19.00", "2026-11-26 19:00"),
        ("Besok pukul 19:30", "2026-11-26 19:30"),
        ("besok", "2026-11-26 09:00"),
        ("lusa jam 8 malam", "2026-11-27 20:00"),
        ("Sabtu depan pukul 10 pagi", "2026-11-28 10:00"),
        ("sabtu jam 10", "2026-11-28 10:00"),
        ("Jumat 19.30", "2026-11-27 19:30"),
        ("hari Jumat jam 3 sore", "2026-11-27 15:00"),
        ("rabu depan jam 9", "2026-12-02 09:00"),
        ("Minggu jam 1 siang", "2026-11-29 13:00"),
        ("nanti malam", "2026-11-25 19:00"),
        ("hari ini jam 16.00 WIB", "2026-11-25 16:00"),
        ("minggu depan", "2026-12-02 09:00"),
        ("5 Desember 2026 pukul 14.00", "2026-12-05 14:00"),
        ("5 Desember pukul 14.00", "2026-12-05 14:00"),
        ("2026-12-05 14:00", "2026-12-05 14:00"),
        ("next friday 7pm", "2026-11-27 19:00"),
        ("friday 7pm", "2026-11-27 19:00"),
        ("tomorrow 9am", "2026-11-26 09:00"),
        ("tomorrow at 12am", "2026-11-26 00:00"),
        ("tonight", "2026-11-25 19:00"),
        ("December 5 at 2pm", "2026-12-05 14:00"),
        ("jam 7 pagi", "2026-11-26 07:00"),
    ],
)
def test_everyday_phrasing(text: str, expected: str) -> None:
    """Indonesian and English phrasings land on the intended local time."""
    found = parse_when(text, NOW, JAKARTA)
    assert found is not None, text
    assert found.strftime("%Y-%m-%d %H:%M") == expected
    assert found.tzinfo == JAKARTA


@pytest.mark.parametrize("text", ["", "kapan-kapan", "blah blah", "jam 25", "besok jam 19.75"])
def test_nonsense_is_not_guessed(text: str) -> None:
    """Text without a recognisable time gives None rather than a guess."""
    assert parse_when(text, NOW, JAKARTA) is None


def test_other_timezone() -> None:
    """The community's timezone is used: 19.00 WITA is 11.00 UTC."""
    makassar = ZoneInfo("Asia/Makassar")
    found = parse_when("besok jam 19.00", NOW, makassar)
    assert found is not None
    assert found.astimezone(ZoneInfo("UTC")).strftime("%H:%M") == "11:00"
