from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.time.when import parse_when

JAKARTA = ZoneInfo("Asia/Jakarta")
# Wednesday 25 November 2026, 10:00 in Jakarta.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=JAKARTA)

PHRASINGS = [
    # Relative days, with times written the Indonesian way (a dot) or the English way.
    ("besok jam 19.00", "2026-11-26 19:00"),
    ("Besok pukul 19:30", "2026-11-26 19:30"),
    ("besok", "2026-11-26 09:00"),
    ("besok pagi", "2026-11-26 08:00"),
    ("besok malam jam 7", "2026-11-26 19:00"),
    ("besok jam 12 malam", "2026-11-27 00:00"),
    ("besok jam 19.00-21.00", "2026-11-26 19:00"),  # a range: its start
    ("lusa", "2026-11-27 09:00"),
    ("lusa jam 8 malam", "2026-11-27 20:00"),
    ("nanti malam", "2026-11-25 19:00"),
    ("nanti jam 8", "2026-11-25 20:00"),
    ("hari ini jam 16.00 WIB", "2026-11-25 16:00"),
    # A time alone: today if still ahead, else tomorrow; pagi/siang/sore/malam set the half.
    ("jam 7 malam", "2026-11-25 19:00"),
    ("jam 12 siang", "2026-11-25 12:00"),
    ("jam 1 siang", "2026-11-25 13:00"),
    ("jam 3 sore", "2026-11-25 15:00"),
    ("jam 10 pagi", "2026-11-26 10:00"),
    ("jam 7 pagi", "2026-11-26 07:00"),
    ("jam 12 malam", "2026-11-26 00:00"),
    ("pukul 19.00", "2026-11-25 19:00"),
    ("jam setengah 8 malam", "2026-11-25 19:30"),
    # Weekdays: the next one; "depan" skips today; a time already past today means next week.
    ("Sabtu depan pukul 10 pagi", "2026-11-28 10:00"),
    ("sabtu jam 10", "2026-11-28 10:00"),
    ("hari Sabtu", "2026-11-28 09:00"),
    ("Senin", "2026-11-30 09:00"),
    ("Selasa jam 14.00", "2026-12-01 14:00"),
    ("Kamis sore", "2026-11-26 16:00"),
    ("Jumat 19.30", "2026-11-27 19:30"),
    ("Jum'at malam", "2026-11-27 19:00"),
    ("hari Jumat jam 3 sore", "2026-11-27 15:00"),
    ("Rabu jam 9", "2026-12-02 09:00"),
    ("Rabu jam 19.00", "2026-11-25 19:00"),
    ("rabu depan jam 9", "2026-12-02 09:00"),
    # "Minggu" is Sunday, but "minggu depan" is next week.
    ("Minggu jam 1 siang", "2026-11-29 13:00"),
    ("hari Minggu jam 10", "2026-11-29 10:00"),
    ("hari Minggu depan", "2026-11-29 09:00"),
    ("minggu depan", "2026-12-02 09:00"),
    ("Minggu depan jam 7 malam", "2026-12-02 19:00"),
    ("Sabtu minggu depan", "2026-12-05 09:00"),
    ("pekan depan hari Senin jam 10", "2026-11-30 10:00"),
    # Indonesian month names and abbreviations; a date without a year is the next one.
    ("5 Desember 2026 pukul 14.00", "2026-12-05 14:00"),
    ("5 Desember pukul 14.00", "2026-12-05 14:00"),
    ("5 Des", "2026-12-05 09:00"),
    ("Sabtu, 5 Des pkl. 14.00", "2026-12-05 14:00"),
    ("tanggal 12 Januari 2027 jam 7 malam", "2027-01-12 19:00"),
    ("17 Agustus pukul 08.00", "2027-08-17 08:00"),
    ("3 Okt", "2027-10-03 09:00"),
    ("20 Mei 2027 jam 10 pagi", "2027-05-20 10:00"),
    ("Kamis, 3 Desember 2026 jam 19.00", "2026-12-03 19:00"),
    ("29 Februari 2028", "2028-02-29 09:00"),
    ("05/12/2026 14:00", "2026-12-05 14:00"),
    ("2026-12-05 14:00", "2026-12-05 14:00"),
    ("2026-12-05T14:00", "2026-12-05 14:00"),
    # Durations from now.
    ("dalam 30 menit", "2026-11-25 10:30"),
    ("2 jam lagi", "2026-11-25 12:00"),
    ("in 2 hours", "2026-11-25 12:00"),
    ("dalam 3 hari", "2026-11-28 10:00"),
    ("dalam dua jam", "2026-11-25 12:00"),
    ("lima menit lagi", "2026-11-25 10:05"),
    ("in three days", "2026-11-28 10:00"),
    # A day of the month alone: this month's, or next month's once it has passed.
    ("tanggal 28 jam 10", "2026-11-28 10:00"),
    ("tgl 3 pukul 14.00", "2026-12-03 14:00"),
    ("tanggal 31", "2026-12-31 09:00"),  # November has no 31st
    # Noon and midnight; "malam ini" is tonight.
    ("besok tengah hari", "2026-11-26 12:00"),
    ("tengah malam", "2026-11-26 00:00"),
    ("malam ini jam 8", "2026-11-25 20:00"),
    ("sore ini", "2026-11-25 16:00"),
    # English.
    ("tomorrow 7pm", "2026-11-26 19:00"),
    ("tomorrow 9am", "2026-11-26 09:00"),
    ("tomorrow at 12am", "2026-11-26 00:00"),
    ("tomorrow evening", "2026-11-26 19:00"),
    ("next friday 7pm", "2026-11-27 19:00"),
    ("friday 7pm", "2026-11-27 19:00"),
    ("sunday 10am", "2026-11-29 10:00"),
    ("next week", "2026-12-02 09:00"),
    ("tonight", "2026-11-25 19:00"),
    ("tomorrow noon", "2026-11-26 12:00"),
    ("friday at midnight", "2026-11-28 00:00"),
    ("the 3rd at 7pm", "2026-12-03 19:00"),
    ("December 5 at 2pm", "2026-12-05 14:00"),
    ("December 5th 2026 at 2:30pm", "2026-12-05 14:30"),
]


def test_the_table_is_wide() -> None:
    """At least 40 phrasings, none listed twice."""
    texts = [text for text, _ in PHRASINGS]
    assert len(texts) >= 40
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_everyday_phrasing(text: str, expected: str) -> None:
    """Indonesian and English phrasings land on the intended local time."""
    found = parse_when(text, NOW, JAKARTA)
    assert found is not None, text
    assert found.strftime("%Y-%m-%d %H:%M") == expected
    assert found.tzinfo == JAKARTA


@pytest.mark.parametrize(
    "text",
    [
        "",
        "kapan-kapan",
        "blah blah",
        "kapan-kapan jam 7",
        "jam 25",
        "besok jam 19.75",
        "besok jam 8 dua",  # a number the time does not use
        "31 Februari",
        "29 Februari 2027",
        "31/04/2027",
        "Jumat, 3 Desember 2026",  # 3 December 2026 is a Thursday
    ],
)
def test_nonsense_is_not_guessed(text: str) -> None:
    """Text without a recognisable or possible time gives None rather than a guess."""
    assert parse_when(text, NOW, JAKARTA) is None


def test_other_timezone() -> None:
    """The community's timezone is used: 19.00 WITA is 11.00 UTC."""
    makassar = ZoneInfo("Asia/Makassar")
    found = parse_when("besok jam 19.00", NOW, makassar)
    assert found is not None
    assert found.astimezone(ZoneInfo("UTC")).strftime("%H:%M") == "11:00"


def test_a_named_zone_wins_over_the_communitys() -> None:
    """ "jam 19.00 WITA" in a Jakarta community is 18.00 WIB; "WIT" is 17.00 WIB."""
    wita = parse_when("besok jam 19.00 WITA", NOW, JAKARTA)
    wit = parse_when("besok jam 19.00 WIT", NOW, JAKARTA)
    assert wita is not None and wit is not None
    assert (wita.strftime("%H:%M"), wit.strftime("%H:%M")) == ("18:00", "17:00")


def test_minggu_on_a_sunday() -> None:
    """Said on a Sunday morning: "Minggu jam 7 malam" is tonight, "Minggu depan" a week on."""
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=JAKARTA)
    tonight = parse_when("Minggu jam 7 malam", sunday, JAKARTA)
    next_week = parse_when("Minggu depan", sunday, JAKARTA)
    next_sunday = parse_when("hari Minggu depan jam 10", sunday, JAKARTA)
    assert tonight is not None and next_week is not None and next_sunday is not None
    assert tonight.strftime("%Y-%m-%d %H:%M") == "2026-11-29 19:00"
    assert next_week.strftime("%Y-%m-%d") == "2026-12-06"
    assert next_sunday.strftime("%Y-%m-%d %H:%M") == "2026-12-06 10:00"
