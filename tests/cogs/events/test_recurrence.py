"""Repeating times (Indonesian, English, RRULE) and reminder offsets, read as members mean them."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from bot.time.recurrence import Recurrence, RecurrenceError, is_recurring, parse_recurrence
from cogs.events.formatting import OffsetError, duration_text, offsets_text, parse_offsets

NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # Monday 5 January 2026, 10.00 WIB
WIB = ZoneInfo("Asia/Jakarta")

SERIES = [
    ("setiap Sabtu 10.00", "FREQ=WEEKLY;BYDAY=SA", ["2026-01-10 10:00", "2026-01-17 10:00"]),
    ("setiap Jumat pukul 19.00", "FREQ=WEEKLY;BYDAY=FR", ["2026-01-09 19:00", "2026-01-16 19:00"]),
    ("every Friday 7pm", "FREQ=WEEKLY;BYDAY=FR", ["2026-01-09 19:00", "2026-01-16 19:00"]),
    ("every day 8am", "FREQ=DAILY", ["2026-01-06 08:00", "2026-01-07 08:00"]),
    ("setiap hari 08.00", "FREQ=DAILY", ["2026-01-06 08:00", "2026-01-07 08:00"]),
    ("setiap hari Sabtu jam 10 pagi", "FREQ=WEEKLY;BYDAY=SA", ["2026-01-10 10:00"]),
    ("setiap Minggu pagi", "FREQ=WEEKLY;BYDAY=SU", ["2026-01-11 08:00"]),
    (
        "setiap Senin dan Kamis 16.00",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        ["2026-01-05 16:00", "2026-01-08 16:00"],
    ),
    ("tiap hari kerja jam 8", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", ["2026-01-06 08:00"]),
    (
        "every other Saturday 10am",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
        ["2026-01-10 10:00", "2026-01-24 10:00"],
    ),
    (
        "setiap 2 minggu hari Sabtu 10.00",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
        ["2026-01-10 10:00", "2026-01-24 10:00"],
    ),
    (
        "setiap tanggal 5 pukul 19.00",
        "FREQ=MONTHLY;BYMONTHDAY=5",
        ["2026-01-05 19:00", "2026-02-05 19:00"],
    ),
    ("every month on the 15th at 6pm", "FREQ=MONTHLY;BYMONTHDAY=15", ["2026-01-15 18:00"]),
    (
        "Sabtu pertama setiap bulan jam 10 pagi",
        "FREQ=MONTHLY;BYDAY=1SA",
        ["2026-02-07 10:00", "2026-03-07 10:00"],
    ),
    ("every first Saturday of the month 10am", "FREQ=MONTHLY;BYDAY=1SA", ["2026-02-07 10:00"]),
    (
        "setiap Jumat terakhir tiap bulan 19.00",
        "FREQ=MONTHLY;BYDAY=-1FR",
        ["2026-01-30 19:00", "2026-02-27 19:00"],
    ),
    ("setiap tahun 17 Mei 09.00", "FREQ=YEARLY", ["2026-05-17 09:00", "2027-05-17 09:00"]),
    ("setiap Sabtu 10.00 mulai 5 Desember", "FREQ=WEEKLY;BYDAY=SA", ["2026-12-05 10:00"]),
    ("every Saturday 10am 3 times", "FREQ=WEEKLY;BYDAY=SA;COUNT=3", ["2026-01-10 10:00"]),
    (
        "setiap Sabtu 10.00 sampai 17 Januari",
        "FREQ=WEEKLY;BYDAY=SA;UNTIL=20260117T235959",
        ["2026-01-10 10:00", "2026-01-17 10:00"],
    ),
    (
        "RRULE:FREQ=WEEKLY;BYDAY=SA 2026-12-05 10:00",
        "FREQ=WEEKLY;BYDAY=SA",
        ["2026-12-05 10:00", "2026-12-12 10:00"],
    ),
    (
        "DTSTART:20261205T100000 RRULE:FREQ=MONTHLY;BYDAY=1SA",
        "FREQ=MONTHLY;BYDAY=1SA",
        ["2026-12-05 10:00", "2027-01-02 10:00"],
    ),
]


@pytest.mark.parametrize(("phrase", "rule", "first"), SERIES)
def test_series_phrasings(phrase: str, rule: str, first: list[str]) -> None:
    """Each phrasing gives its rule and its first occurrences, at that local time."""
    assert is_recurring(phrase)
    series = parse_recurrence(phrase, NOW, WIB)
    assert series.rule == rule
    found = [
        f"{o.starts_at.astimezone(WIB):%Y-%m-%d %H:%M}"
        for o in islice(series.after(NOW, WIB), len(first))
    ]
    assert found == first


def test_a_count_ends_the_series() -> None:
    series = parse_recurrence("every Saturday 10am 3 times", NOW, WIB)
    assert [o.key for o in series.after(NOW, WIB)] == ["2026-01-10", "2026-01-17", "2026-01-24"]


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("setiap kapan-kapan", "unreadable"),
        ("setiap Sabtu", "time"),
        ("every Saturday sometime", "time"),
        ("RRULE:FREQ=WEEKLY;BYDAY=XX besok", "rrule"),
        ("RRULE:garbage besok", "rrule"),
        ("RRULE:FREQ=WEEKLY;FOO=1 besok", "rrule"),
        ("RRULE:FREQ=HOURLY besok", "frequency"),
        ("RRULE:FREQ=DAILY;BYHOUR=8,20 besok", "frequency"),
        ("RRULE:FREQ=WEEKLY;BYDAY=SA", "start"),
        ("RRULE:FREQ=WEEKLY;COUNT=2 2025-01-01 10:00", "ended"),
    ],
)
def test_bad_series_say_what_is_wrong(phrase: str, reason: str) -> None:
    with pytest.raises(RecurrenceError) as raised:
        parse_recurrence(phrase, NOW, WIB)
    assert raised.value.reason == reason


def test_single_dates_are_not_series() -> None:
    assert not is_recurring("besok jam 19.00")
    assert not is_recurring("Sabtu depan pukul 10 pagi")


def test_local_time_is_kept_in_another_zone() -> None:
    """The same series read in WITA starts at 10.00 WITA: an hour earlier in UTC."""
    series = Recurrence("FREQ=WEEKLY;BYDAY=SA", datetime(2026, 1, 10, 10, 0))
    wib = next(series.after(NOW, WIB)).starts_at
    wita = next(series.after(NOW, ZoneInfo("Asia/Makassar"))).starts_at
    assert wib == datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    assert wita == datetime(2026, 1, 10, 2, 0, tzinfo=UTC)


def test_daylight_saving_keeps_the_wall_clock() -> None:
    """Across a DST change (Europe/Amsterdam, 29 March 2026) the local time stays 19.00."""
    tz = ZoneInfo("Europe/Amsterdam")
    series = Recurrence("FREQ=WEEKLY;BYDAY=FR", datetime(2026, 3, 20, 19, 0))
    before, after = islice(series.after(datetime(2026, 3, 19, tzinfo=UTC), tz), 2)
    assert before.starts_at == datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
    assert after.starts_at == datetime(2026, 3, 27, 18, 0, tzinfo=UTC)
    third = next(series.after(after.starts_at, tz))
    assert third.starts_at == datetime(2026, 4, 3, 17, 0, tzinfo=UTC)
    assert third.starts_at.astimezone(tz).hour == 19


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("24h 1h", (1440, 60)),
        ("2d 30m", (2880, 30)),
        ("1m", (1,)),
        ("1 hari, 2 jam dan 15 menit", (1440, 120, 15)),
        ("1 week", (10080,)),
        ("1h 24h", (1440, 60)),
    ],
)
def test_offsets(text: str, minutes: tuple[int, ...]) -> None:
    assert parse_offsets(text) == minutes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("kapan", "unreadable"),
        ("24x", "unreadable"),
        ("1h lalu", "unreadable"),
        ("1m 2m 3m 4m 5m 6m", "count"),
        ("31d", "range"),
        ("0m", "range"),
    ],
)
def test_bad_offsets(text: str, reason: str) -> None:
    with pytest.raises(OffsetError) as raised:
        parse_offsets(text)
    assert raised.value.reason == reason


def test_offsets_in_each_language() -> None:
    assert offsets_text((1440, 60), "id") == "24 jam dan 1 jam"
    assert offsets_text((2880, 30), "en") == "2 days and 30 minutes"
    assert duration_text(1, "en") == "1 minute"
